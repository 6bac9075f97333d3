"""Reads for the import pages: the target an import goes into (404 for what the person may not see), and the
record of earlier imports there."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from municipalities.selectors import participation_get_for_user_or_404
from programmes.selectors import programme_get_for_user_or_404

from .kinds import KINDS
from .models import ImportRecord


def import_target_for_user_or_404(*, user, kind: str, slug: str | None = None, participation_pk: int | None = None):
    """``(programme, participation)`` an import of ``kind`` goes into; participation is None for programme
    imports."""
    if kind not in KINDS:
        raise Http404
    if KINDS[kind].target == "participation":
        if participation_pk is None:
            raise Http404
        participation = participation_get_for_user_or_404(user=user, pk=participation_pk)
        return participation.cohort.programme, participation
    if slug is None:
        raise Http404
    return programme_get_for_user_or_404(user=user, slug=slug), None


def pending_target_for_user_or_404(*, user, pending):
    """The programme (and participation) of a kept preview, looked up again with the person's visibility."""
    from programmes.models import Programme

    if pending.participation_id is not None:
        return import_target_for_user_or_404(user=user, kind=pending.kind, participation_pk=pending.participation_id)
    slug = Programme.objects.filter(pk=pending.programme_id).values_list("slug", flat=True).first()
    if slug is None:
        raise Http404
    return import_target_for_user_or_404(user=user, kind=pending.kind, slug=slug)


def recent_imports(*, kind: str, programme, participation=None, limit: int = 10) -> QuerySet[ImportRecord]:
    return ImportRecord.objects.filter(kind=kind, programme=programme, participation=participation).select_related(
        "imported_by")[:limit]
