from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Decision,
    Material,
    Meeting,
    MeetingInvitation,
    SkillAssessment,
)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    raw_id_fields = ["owner", "milestone"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title_da", "kind", "programme", "starts_at", "status", "sequence", "minutes_published_at"]
    list_filter = ["kind", "status", "programme"]
    search_fields = ["title_da", "title_en", "place"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["organiser"]
    readonly_fields = ["sequence", "created_at", "updated_at"]
    inlines = [AgendaItemInline, DecisionInline, ActionItemInline]


@admin.register(MeetingInvitation)
class MeetingInvitationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "response", "attended", "municipality", "department", "via"]
    list_filter = ["response", "attended", "via", "meeting__programme"]
    search_fields = ["user__email", "user__full_name", "meeting__title_da"]
    raw_id_fields = ["meeting", "user", "invited_by"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "kind", "size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["title", "original_name", "meeting__title_da"]
    raw_id_fields = ["meeting", "uploaded_by"]
    # Files arrive only through the checked upload on the meeting page.
    # The file is private (no URL): the admin shows its stored name.
    exclude = ["file"]
    readonly_fields = ["file_name", "original_name", "content_type", "size", "kind"]

    @admin.display(description=_("file"))
    def file_name(self, material):
        return material.file.name

    def has_add_permission(self, request):
        return False


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["meeting", "order", "title", "duration_minutes", "presenter", "decision_needed"]
    list_filter = ["meeting__kind", "meeting__programme"]
    search_fields = ["title", "presenter", "meeting__title_da"]
    raw_id_fields = ["meeting"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "order", "text"]
    list_filter = ["meeting__programme"]
    search_fields = ["text", "meeting__title_da"]
    raw_id_fields = ["meeting"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["text", "meeting", "owner", "due_on", "milestone"]
    list_filter = ["meeting__programme"]
    search_fields = ["text", "meeting__title_da"]
    raw_id_fields = ["meeting", "owner", "milestone"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "token_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SkillAssessment)
class SkillAssessmentAdmin(admin.ModelAdmin):
    list_display = ["user", "participation", "stage", "systems_thinking", "circular_models", "submitted_at"]
    list_filter = ["stage", "programme"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user", "participation"]
    filter_horizontal = ["modules"]
