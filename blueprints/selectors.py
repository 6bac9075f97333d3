"""Reads for copying programmes and for named templates, with the person's visibility built in."""

from datetime import date

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import ProgrammeTemplate
from .permissions import can_use_templates
from .plan import CopyPlan, build_plan


def template_list_for_user(*, user) -> QuerySet[ProgrammeTemplate]:
    if not can_use_templates(user):
        return ProgrammeTemplate.objects.none()
    return ProgrammeTemplate.objects.select_related("programme").order_by("name_da", "id")


def template_get_for_user_or_404(*, user, pk: int) -> ProgrammeTemplate:
    template = get_object_or_404(ProgrammeTemplate.objects.select_related("programme"), pk=pk)
    if not can_use_templates(user):
        raise Http404
    return template


def template_of(programme) -> ProgrammeTemplate | None:
    return ProgrammeTemplate.objects.filter(programme=programme).first()


def copy_preview(*, source, starts_on: date) -> CopyPlan:
    """The plan the preview page shows: the structure that would be copied and every date, moved."""
    return build_plan(source=source, starts_on=starts_on)
