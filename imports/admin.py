from django.contrib import admin

from .models import ImportRecord


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """The audit of imports: read only (an import is changed by changing what it made)."""

    list_display = ("created_at", "kind", "programme", "participation", "imported_by", "file_name", "rows_saved",
                    "rows_skipped")
    list_filter = ("kind", "created_at", "programme")
    search_fields = ("file_name", "imported_by__email", "imported_by__full_name", "programme__name_da")
    list_select_related = ("programme", "participation__municipality", "participation__cohort", "imported_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
