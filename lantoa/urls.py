from django.conf import settings
from django.conf.urls.static import static
from django.urls import URLPattern, URLResolver, include, path

from lantoa.core.admin_site import admin_urls

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("lantoa.core.urls")),
    path("tai-khoan/", include("lantoa.accounts.urls")),
    path("don-vi/nhap/", include("lantoa.units.urls_import")),
    path("don-vi/", include("lantoa.units.urls")),
    path("kenh/", include("lantoa.channels.urls")),
    path("doi-ngu/", include("lantoa.roster.urls")),
    path("nhat-ky/", include("lantoa.audit.urls")),
    path("api/v1/", include("lantoa.api.urls")),
    path("khoa-api/", include("lantoa.api.web_urls")),
    path("quan-tri/", admin_urls()),
    path("i18n/", include("lantoa.core.i18n_urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
