from django.contrib import admin

from .models import ProgrammeTemplate


@admin.register(ProgrammeTemplate)
class ProgrammeTemplateAdmin(admin.ModelAdmin):
    list_display = ("name_da", "name_en", "programme", "updated_at")
    list_filter = ("programme__status",)
    search_fields = ("name_da", "name_en", "programme__name_da", "programme__slug")
    raw_id_fields = ("programme",)
