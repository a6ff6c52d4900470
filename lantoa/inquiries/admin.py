"""Admin screens for system administrators. Workers' contact details are deliberately not
registered here: they are seen only on the case page, where every look is audited."""

from django.contrib import admin

from lantoa.inquiries.models import (
    CannedAnswer,
    Inquiry,
    InquiryEvent,
    OutboundReply,
    UnitInquirySettings,
)


class InquiryEventInline(admin.TabularInline):
    model = InquiryEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "unit", "actor", "data")
    readonly_fields = ("at", "kind", "unit", "actor", "data")


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ["code", "unit", "source", "category", "status", "urgent", "received_at"]
    list_filter = ["status", "source", "category", "urgent"]
    search_fields = ["code"]
    date_hierarchy = "received_at"
    list_select_related = ["unit"]
    raw_id_fields = ["unit", "assignee", "workplace_unit", "escalated_to", "channel"]
    exclude = ["lookup_secret_hash", "search_text"]
    inlines = [InquiryEventInline]


@admin.register(OutboundReply)
class OutboundReplyAdmin(admin.ModelAdmin):
    list_display = ["pk", "source", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "source", "permanent_error"]
    readonly_fields = [f.name for f in OutboundReply._meta.fields]


@admin.register(CannedAnswer)
class CannedAnswerAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "category"]
    list_filter = ["category"]
    search_fields = ["title", "body"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]


@admin.register(UnitInquirySettings)
class UnitInquirySettingsAdmin(admin.ModelAdmin):
    list_display = ["unit", "response_hours", "retention_days"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]
