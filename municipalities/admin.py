from django import forms
from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from circular_cities.admin_files import checked_upload, private_file_link
from circular_cities.uploads import clean_image
from programmes.admin import StatusRefreshingAdmin
from programmes.models import LocalChallenge

from .models import (
    AdvisorySession,
    AgreedAction,
    EntryComment,
    Indicator,
    Measurement,
    Municipality,
    PartnerInvolvement,
    ProgressEntry,
    ProgressPhoto,
    StageGateOutput,
)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "country"]
    list_filter = ["region", "country"]
    search_fields = ["name", "code"]


@admin.register(LocalChallenge.history.model)
class LocalChallengeHistoryAdmin(admin.ModelAdmin):
    """The audit trail of local challenges (who changed what, when); read only."""

    list_display = ["history_date", "history_user", "history_type", "title", "participation", "strategy"]
    list_filter = ["history_type", "strategy", "material_stream"]
    search_fields = ["title", "problem_statement", "history_user__email", "history_user__full_name"]
    list_select_related = ["history_user", "participation__municipality", "participation__cohort"]
    date_hierarchy = "history_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Local tests ------------------------------------------------------------------------------------------------

class ProgressPhotoInline(admin.TabularInline):
    model = ProgressPhoto
    extra = 0
    fields = ["caption", "content_type", "width", "height", "uploaded_by"]
    readonly_fields = ["content_type", "width", "height", "uploaded_by"]
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # photos are uploaded through the site, which cleans them


@admin.register(ProgressEntry)
class ProgressEntryAdmin(StatusRefreshingAdmin, SimpleHistoryAdmin):
    list_display = ["participation", "happened_on", "status", "state", "review", "author"]
    list_filter = ["state", "review", "status", "participation__cohort__programme"]
    search_fields = ["what_happened", "learnings", "participation__municipality__name"]
    list_select_related = ["participation__municipality", "participation__cohort", "author"]
    raw_id_fields = ["participation", "author", "reviewed_by", "withdrawn_by"]
    filter_horizontal = ["milestones"]
    date_hierarchy = "happened_on"
    inlines = [ProgressPhotoInline]


class ProgressPhotoAdminForm(forms.ModelForm):
    replace_image = forms.FileField(
        label=_("Replace the photo"), required=False,
        help_text=_("A JPEG, PNG or WebP image. It is checked and re-encoded without metadata, as on the site."))

    class Meta:
        model = ProgressPhoto
        fields = ["entry", "caption"]

    def clean_replace_image(self):
        return checked_upload(self, "replace_image", clean_image)


@admin.register(ProgressPhoto)
class ProgressPhotoAdmin(admin.ModelAdmin):
    """Photos are added on the site; here an admin opens one, edits its caption, replaces or deletes it."""

    form = ProgressPhotoAdminForm
    list_display = ["entry", "caption", "content_type", "width", "height"]
    list_filter = ["content_type"]
    search_fields = ["caption", "entry__participation__municipality__name"]
    list_select_related = ["entry__participation__municipality"]
    fields = ["entry", "caption", "image_file", "thumbnail_file", "replace_image", "content_type", "width", "height",
              "uploaded_by"]
    readonly_fields = ["image_file", "thumbnail_file", "content_type", "width", "height", "uploaded_by"]
    raw_id_fields = ["entry"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("image"))
    def image_file(self, photo):
        return private_file_link(photo.image, reverse("municipalities:photo", args=[photo.pk]))

    @admin.display(description=_("thumbnail"))
    def thumbnail_file(self, photo):
        return private_file_link(photo.thumbnail, reverse("municipalities:photo-thumbnail", args=[photo.pk]))

    def save_model(self, request, obj, form, change):
        checked = getattr(form, "checked_uploads", {}).get("replace_image")
        if checked is None:
            return super().save_model(request, obj, form, change)
        old = [name for name in (obj.image.name, obj.thumbnail.name) if name]
        storage = obj.image.storage
        obj.image.save(checked.image.name, checked.image, save=False)
        obj.thumbnail.save(checked.thumbnail.name, checked.thumbnail, save=False)
        obj.content_type, obj.width, obj.height = checked.content_type, checked.width, checked.height
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: [storage.delete(name) for name in old])
        return None


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0
    raw_id_fields = ["entry"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "participation", "baseline", "target", "direction"]
    list_filter = ["direction", "participation__cohort__programme"]
    search_fields = ["name", "unit", "participation__municipality__name"]
    list_select_related = ["participation__municipality", "participation__cohort"]
    raw_id_fields = ["participation"]
    inlines = [MeasurementInline]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["indicator", "measured_on", "value"]
    list_filter = ["indicator__participation__cohort__programme"]
    search_fields = ["indicator__name", "indicator__participation__municipality__name"]
    list_select_related = ["indicator"]
    raw_id_fields = ["indicator", "entry"]


@admin.register(PartnerInvolvement)
class PartnerInvolvementAdmin(admin.ModelAdmin):
    list_display = ["organisation", "participation", "sector", "role", "starts_on", "ends_on"]
    list_filter = ["sector", "participation__cohort__programme"]
    search_fields = ["organisation__name", "role", "participation__municipality__name"]
    list_select_related = ["organisation", "participation__municipality", "participation__cohort"]
    raw_id_fields = ["participation", "organisation", "entry"]


@admin.register(StageGateOutput)
class StageGateOutputAdmin(SimpleHistoryAdmin):
    list_display = ["title", "participation", "stage", "kind", "state", "submitted_at", "reviewed_at"]
    list_filter = ["state", "stage", "kind"]
    search_fields = ["title", "body", "participation__municipality__name"]
    list_select_related = ["participation__municipality", "participation__cohort"]
    raw_id_fields = ["participation", "submitted_by", "reviewed_by"]


class AgreedActionInline(admin.TabularInline):
    model = AgreedAction
    extra = 0
    raw_id_fields = ["owner", "milestone"]


@admin.register(AdvisorySession)
class AdvisorySessionAdmin(admin.ModelAdmin):
    list_display = ["participation", "held_on", "advisor"]
    list_filter = ["participation__cohort__programme"]
    search_fields = ["topics", "advice", "attendees", "participation__municipality__name"]
    list_select_related = ["participation__municipality", "participation__cohort", "advisor"]
    raw_id_fields = ["participation", "advisor"]
    date_hierarchy = "held_on"
    inlines = [AgreedActionInline]


@admin.register(AgreedAction)
class AgreedActionAdmin(admin.ModelAdmin):
    list_display = ["text", "session", "owner", "due_on", "milestone"]
    list_filter = ["due_on"]
    search_fields = ["text", "session__participation__municipality__name"]
    list_select_related = ["session__participation__municipality", "owner", "milestone"]
    raw_id_fields = ["session", "owner", "milestone"]


@admin.register(EntryComment)
class EntryCommentAdmin(admin.ModelAdmin):
    list_display = ["entry", "author", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["body", "author__email"]
    list_select_related = ["entry__participation__municipality", "author"]
    raw_id_fields = ["entry", "author"]
