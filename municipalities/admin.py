from django.contrib import admin

from .models import Municipality


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "country"]
    list_filter = ["region", "country"]
    search_fields = ["name", "code"]
