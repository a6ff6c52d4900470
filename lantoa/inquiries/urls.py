from django.urls import path, register_converter

from lantoa.inquiries import views


class InquiryCodeConverter:
    """A tracking code ("HD-7K3M-9QX2"): keeps case pages apart from unit pages."""

    regex = r"HD-[0-9A-Z]{4}-[0-9A-Z]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(InquiryCodeConverter, "hd")

app_name = "inquiries"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("xuat/", views.inbox_export, name="export"),
    path("hang-loat/", views.bulk, name="bulk"),
    path("moi/", views.new_count, name="new_count"),
    path("mau-tra-loi/<int:pk>/sua/", views.canned_edit, name="canned_edit"),
    path("mau-tra-loi/<int:pk>/xoa/", views.canned_delete, name="canned_delete"),
    path("<hd:ref>/", views.detail, name="detail"),
    path("<hd:ref>/lien-he/", views.contact, name="contact"),
    path("<hd:ref>/tra-loi/", views.reply, name="reply"),
    path("<hd:ref>/ghi-chu/", views.note, name="note"),
    path("<hd:ref>/phan-cong/", views.assign, name="assign"),
    path("<hd:ref>/phan-loai/", views.categorise, name="categorise"),
    path("<hd:ref>/chuyen-don-vi/", views.reassign, name="reassign"),
    path("<hd:ref>/dong/", views.close, name="close"),
    path("<hd:ref>/mo-lai/", views.reopen, name="reopen"),
    path("<hd:ref>/gui-lai/<int:pk>/", views.retry, name="retry"),
    path("<hd:ref>/xoa-thong-tin-ca-nhan/", views.erase_contact, name="erase"),
    path("<hd:ref>/tao-bai-tri-thuc/", views.make_article, name="make_article"),
    path("<str:code>/ghi-nhan/", views.log_call, name="log_call"),
    path("<str:code>/mau-tra-loi/", views.canned_list, name="canned"),
    path("<str:code>/cai-dat/", views.desk_settings, name="settings"),
    path("<str:code>/bao-cao/", views.report, name="report"),
    path("<str:code>/bao-cao/tai-ve/", views.report_export, name="report_export"),
]
