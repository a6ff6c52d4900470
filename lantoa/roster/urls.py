from django.urls import path

from lantoa.roster import views

app_name = "roster"
urlpatterns = [
    path("nguoi/<int:pk>/sua/", views.communicator_edit, name="edit"),
    path("nguoi/<int:pk>/xoa/", views.communicator_delete, name="delete"),
    path("tap-huan/<int:pk>/", views.training_detail, name="training"),
    path("tap-huan/<int:pk>/diem-danh/", views.training_attendance, name="attendance"),
    path("<str:code>/", views.unit_roster, name="unit"),
    path("<str:code>/them/", views.communicator_create, name="create"),
    path("<str:code>/tap-huan/", views.trainings, name="trainings"),
    path("<str:code>/tap-huan/them/", views.training_create, name="training_create"),
]
