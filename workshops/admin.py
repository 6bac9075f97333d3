import uuid

from django import forms
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from circular_cities.admin_files import checked_upload, private_file_link
from circular_cities.uploads import accepted_types_text, clean_file

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


class MaterialAdminForm(forms.ModelForm):
    replace_file = forms.FileField(label=_("Replace the file"), required=False, help_text=accepted_types_text)

    class Meta:
        model = Material
        fields = ["meeting", "title", "uploaded_by"]

    def clean_replace_file(self):
        # the meeting page's check: by content, and the name must say what the file is (people download it again)
        upload = self.cleaned_data.get("replace_file")
        checked = checked_upload(self, "replace_file",
                                 lambda file: clean_file(file, match_name=True, display_size=None))
        if upload and checked:
            self.replaced_name = (upload.name or "file").rsplit("/", 1)[-1][:255]
        return checked


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    """Materials are added on the meeting page; here an admin opens one, edits it, replaces or deletes it."""

    form = MaterialAdminForm
    list_display = ["title", "meeting", "kind", "size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["title", "original_name", "meeting__title_da"]
    raw_id_fields = ["meeting", "uploaded_by"]
    fields = ["meeting", "title", "stored_file", "replace_file", "original_name", "content_type", "size", "kind",
              "uploaded_by"]
    readonly_fields = ["stored_file", "original_name", "content_type", "size", "kind"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("file"))
    def stored_file(self, material):
        return private_file_link(material.file, reverse("workshops:material-download", args=[material.pk]))

    def save_model(self, request, obj, form, change):
        checked = getattr(form, "checked_uploads", {}).get("replace_file")
        if checked is None:
            return super().save_model(request, obj, form, change)
        old, storage = obj.file.name, obj.file.storage
        content = checked.file.read()
        obj.file.save(f"meetings/{uuid.uuid4().hex}.{checked.extension}", ContentFile(content), save=False)
        obj.original_name, obj.content_type = form.replaced_name, checked.content_type
        obj.size, obj.kind = len(content), checked.kind
        super().save_model(request, obj, form, change)
        if old:
            transaction.on_commit(lambda: storage.delete(old))
        return None


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
