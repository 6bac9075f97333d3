from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BudgetLine,
    Cohort,
    LocalChallenge,
    Milestone,
    Objective,
    Organisation,
    Participation,
    ParticipationStatus,
    Phase,
    Programme,
    ProgrammeOrganisation,
    Spending,
)
from .status import status_refresh


class StatusRefreshingAdmin:
    """An admin of rows a participation's status row summarises (programmes/status.py): saving, reverting or
    deleting one here refreshes the rows it touches, as the services do. ``status_ids(obj)``: the participations
    an object counts for."""

    def status_ids(self, obj) -> set[int]:
        participation_id = getattr(obj, "participation_id", None)
        return {participation_id} if participation_id else set()

    def _stored_ids(self, obj) -> set[int]:
        if not obj.pk:
            return set()
        stored = type(obj).objects.filter(pk=obj.pk).first()
        return self.status_ids(stored) if stored is not None else set()

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = self._stored_ids(obj)  # a milestone moved to another municipality leaves that one too
            super().save_model(request, obj, form, change)
            status_refresh(participation_ids=before | self.status_ids(obj))

    def delete_model(self, request, obj):
        with transaction.atomic():
            ids = self.status_ids(obj)
            super().delete_model(request, obj)
            status_refresh(participation_ids=ids)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            ids = set().union(*(self.status_ids(obj) for obj in queryset))
            super().delete_queryset(request, queryset)
            status_refresh(participation_ids=ids)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]


class ProgrammeOrganisationInline(admin.TabularInline):
    model = ProgrammeOrganisation
    extra = 0
    autocomplete_fields = ["organisation"]


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(StatusRefreshingAdmin, SimpleHistoryAdmin):
    list_display = ["name_da", "name_en", "status", "starts_on", "ends_on", "budget_dkk", "is_demo"]
    list_filter = ["status", "is_demo"]
    search_fields = ["name_da", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [ProgrammeOrganisationInline, ObjectiveInline, PhaseInline, BudgetLineInline]

    def status_ids(self, obj) -> set[int]:  # its dates decide whether its tests can stall
        return set(Participation.objects.filter(cohort__programme=obj).values_list("pk", flat=True)) if obj.pk \
            else set()


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "starts_on", "ends_on"]
    list_filter = ["programme"]
    search_fields = ["name", "programme__name_da"]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["name_da", "programme", "starts_on", "ends_on", "order"]
    list_filter = ["programme"]
    search_fields = ["name_da", "name_en"]


@admin.register(Participation)
class ParticipationAdmin(StatusRefreshingAdmin, SimpleHistoryAdmin):
    list_display = ["municipality", "cohort", "stage", "joined_on"]
    list_filter = ["stage", "cohort__programme"]
    search_fields = ["municipality__name", "cohort__name"]
    autocomplete_fields = ["municipality", "cohort"]

    def status_ids(self, obj) -> set[int]:
        return {obj.pk} if obj.pk else set()


@admin.register(LocalChallenge)
class LocalChallengeAdmin(admin.ModelAdmin):
    list_display = ["title", "participation", "material_stream", "strategy"]
    list_filter = ["material_stream", "strategy"]
    search_fields = ["title", "problem_statement", "participation__municipality__name"]


@admin.register(Milestone)
class MilestoneAdmin(StatusRefreshingAdmin, SimpleHistoryAdmin):
    list_display = ["title_da", "programme", "participation", "owner", "due_on", "status"]
    list_filter = ["status", "programme"]
    search_fields = ["title_da", "title_en", "description"]
    autocomplete_fields = ["owner", "participation", "phase"]
    date_hierarchy = "due_on"


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["code", "name_da", "programme", "allocated_dkk"]
    list_filter = ["programme"]
    search_fields = ["code", "name_da", "name_en"]


@admin.register(Spending)
class SpendingAdmin(admin.ModelAdmin):
    list_display = ["spent_on", "budget_line", "amount_dkk", "description"]
    list_filter = ["budget_line__programme"]
    search_fields = ["description"]
    date_hierarchy = "spent_on"


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["text_da", "programme", "order"]
    list_filter = ["programme"]
    search_fields = ["text_da", "text_en"]


@admin.register(ProgrammeOrganisation)
class ProgrammeOrganisationAdmin(admin.ModelAdmin):
    list_display = ["programme", "organisation", "part"]
    list_filter = ["part", "programme"]
    search_fields = ["organisation__name"]


@admin.register(ParticipationStatus)
class ParticipationStatusAdmin(admin.ModelAdmin):
    """Read-only: the rows are made by the services and the nightly task (programmes/status.py)."""

    list_display = ["participation", "programme", "light", "overdue_milestones", "is_stalled", "latest_entry_on",
                    "as_of"]
    list_filter = ["light", "is_stalled", "programme"]
    search_fields = ["participation__municipality__name"]
    list_select_related = ["participation__municipality", "participation__cohort", "programme"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
