from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "lantoa.inquiries"
    label = "inquiries"
    verbose_name = "Hỏi đáp, phản ánh của người lao động"
