"""Admin screens for the report files and the programmes' data versions: to look at, and to throw a file away
(it is built again the next time somebody asks for it). Nothing here is typed by hand."""

from django.contrib import admin

from .models import ProgrammeDataVersion, ReportFile


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportFile)
class ReportFileAdmin(ReadOnly):
    list_display = ("kind", "programme", "meeting", "language", "audience", "status", "size", "requested_at",
                    "built_at", "build_seconds")
    list_filter = ("kind", "status", "language")
    list_select_related = ("programme", "meeting", "audience")
    search_fields = ("programme__name_da", "programme__slug", "key")
    date_hierarchy = "requested_at"
    exclude = ("file",)  # a private file: served only through the report's own view, after its permission check

    def delete_model(self, request, obj):
        if obj.file:
            obj.file.delete(save=False)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for report in queryset:
            self.delete_model(request, report)


@admin.register(ProgrammeDataVersion)
class ProgrammeDataVersionAdmin(ReadOnly):
    list_display = ("programme_id", "version", "changed_at")

    def has_delete_permission(self, request, obj=None):
        return False
