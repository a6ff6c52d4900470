from django.contrib import admin

from lantoa.channels.models import Channel, ChannelStat


class ChannelStatInline(admin.TabularInline):
    model = ChannelStat
    extra = 0
    ordering = ["-recorded_on"]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "status", "audience", "audience_on"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "url", "identifier", "unit__code", "unit__name"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]
    inlines = [ChannelStatInline]


@admin.register(ChannelStat)
class ChannelStatAdmin(admin.ModelAdmin):
    list_display = ["channel", "recorded_on", "audience"]
    raw_id_fields = ["channel"]
    date_hierarchy = "recorded_on"
    list_select_related = ["channel"]
