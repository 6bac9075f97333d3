"""The audit trail: the django-simple-history tables of programmes, milestones, participations, progress,
stage-gate outputs, meetings and role assignments, read as one list.

The list is a UNION ALL of ``(history_date, history_id, kind)`` rows, one SELECT per history table with the
user's visibility and the filters inside, ordered and cut by the database: a page costs one query for the
count and one for its rows, whatever the size of the tables. The page's rows are then filled in
(:func:`audit_entries`) with a constant number of queries per kind of object: the records, their previous
versions (for the "what changed" diff) and the names the records refer to.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import RoleAssignment, User
from accounts.permissions import scope_of
from calls.models import Application, Call, Criterion, Question, Reviewer
from imports.models import ImportRecord
from municipalities.models import Municipality, ProgressEntry, StageGateOutput
from programmes.models import Cohort, Milestone, Participation, Phase, Programme
from programmes.selectors import history_value
from workshops.models import Meeting

# kind → (model, label, how a history row reaches its programme id)
KINDS = {
    "programme": (Programme, gettext_lazy("Programme"), "id"),
    "milestone": (Milestone, gettext_lazy("Milestone"), "programme_id"),
    "participation": (Participation, gettext_lazy("Participation"), "cohort__programme_id"),
    "progress": (ProgressEntry, gettext_lazy("Progress entry"), "participation__cohort__programme_id"),
    "stage_output": (StageGateOutput, gettext_lazy("Stage-gate output"), "participation__cohort__programme_id"),
    "meeting": (Meeting, gettext_lazy("Meeting"), "programme_id"),
    "role": (RoleAssignment, gettext_lazy("Role (permissions)"), "programme_id"),
    "import": (ImportRecord, gettext_lazy("Spreadsheet import"), "programme_id"),
    "call": (Call, gettext_lazy("Open call"), "programme_id"),
    "application": (Application, gettext_lazy("Application"), "call__programme_id"),
    "reviewer": (Reviewer, gettext_lazy("Reviewer of an open call"), "call__programme_id"),
    "criterion": (Criterion, gettext_lazy("Assessment criterion of an open call"), "call__programme_id"),
    "question": (Question, gettext_lazy("Question of an open call"), "call__programme_id"),
}
ACTIONS = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}
ACTION_CODES = {"created": "+", "changed": "~", "deleted": "-"}
# Bookkeeping fields that change with every save and say nothing to a reader.
HIDDEN_FIELDS = {"order", "updated_at", "created_at", "sequence"}


def auditable_programmes(*, user) -> QuerySet[Programme]:
    """The programmes whose records the person may read in the audit: all for admins, else those they facilitate."""
    scope = scope_of(user)
    queryset = Programme.objects.order_by("name_da")
    return queryset if scope.is_admin else queryset.filter(pk__in=scope.facilitator_programmes)


def _programme_q(kind: str, programme_ids) -> Q:
    """Rows of ``kind`` that belong to one of ``programme_ids``. Staff roles belong to one participation and carry
    its programme, so the team of a municipality in another programme is not shown (nor are records of staff
    roles from before teams were per programme, which name no programme)."""
    path = KINDS[kind][2]
    return Q(**{f"{path}__in": programme_ids})


def audit_rows(*, user, filters: dict | None = None) -> QuerySet:
    """``(history_date, history_id, kind)`` of every change the person may see, newest first, filtered by
    ``programme``, ``kind``, ``person`` (name or e-mail contains), ``date_from``/``date_to`` (local dates) and
    ``action`` (created / changed / deleted)."""
    filters = filters or {}
    scope = scope_of(user)
    if not (scope.is_admin or scope.facilitator_programmes):
        return Programme.history.none().values_list("history_date", "history_id", Value("", CharField()))
    kinds = [filters["kind"]] if filters.get("kind") else list(KINDS)
    common = Q()
    if person := (filters.get("person") or "").strip():
        common &= Q(history_user__full_name__icontains=person) | Q(history_user__email__icontains=person)
    if filters.get("date_from"):
        common &= Q(history_date__date__gte=filters["date_from"])
    if filters.get("date_to"):
        common &= Q(history_date__date__lte=filters["date_to"])
    if filters.get("action"):
        common &= Q(history_type=ACTION_CODES[filters["action"]])
    programme = filters.get("programme")

    selects = []
    for kind in kinds:
        model = KINDS[kind][0]
        where = common
        if not scope.is_admin:
            where &= _programme_q(kind, scope.facilitator_programmes)
        if programme is not None:
            where &= _programme_q(kind, [programme.pk])
        selects.append(model.history.filter(where).order_by().values_list(
            "history_date", "history_id", Value(kind, output_field=CharField())))
    first, *rest = selects
    queryset = first.union(*rest, all=True) if rest else first
    return queryset.order_by("-history_date", "-history_id")


@dataclass
class AuditEntry:
    when: datetime
    who: User | None
    kind: str
    kind_label: str
    subject: str
    programme: str
    action: str
    action_code: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    def changes_text(self) -> str:
        return "; ".join(f"{label}: {old} → {new}" for label, old, new in self.changes)


def audit_entries(*, page_rows) -> list[AuditEntry]:
    """Fill in one page of :func:`audit_rows`: who, what, in which programme, and for a change each field's old
    and new value (compared with the record's previous version)."""
    wanted = defaultdict(list)
    for _when, history_id, kind in page_rows:
        wanted[kind].append(history_id)
    records, previous = {}, {}
    for kind, ids in wanted.items():
        history = KINDS[kind][0].history
        prev_id = Subquery(history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
            "-history_date", "-history_id").values("history_id")[:1])
        found = list(history.filter(history_id__in=ids).select_related("history_user").annotate(prev_id=prev_id))
        for record in found:
            records[(kind, record.history_id)] = record
        prev_ids = [r.prev_id for r in found if r.prev_id and r.history_type == "~"]
        if prev_ids:
            for record in history.filter(history_id__in=prev_ids):
                previous[(kind, record.history_id)] = record

    deltas, refs = {}, defaultdict(set)
    for (kind, history_id), record in records.items():
        model = KINDS[kind][0]
        prev = previous.get((kind, record.prev_id)) if record.history_type == "~" else None
        changes = record.diff_against(prev, excluded_fields=HIDDEN_FIELDS).changes if prev is not None else []
        deltas[(kind, history_id)] = changes
        for change in changes:
            model_field = model._meta.get_field(change.field)
            if model_field.is_relation:
                refs[model_field.related_model].update(v for v in (change.old, change.new) if v)
        for attr, related in _REFERENCES[kind]:
            if getattr(record, attr, None):
                refs[related].add(getattr(record, attr))
    names, programme_of = _names(refs)

    entries = []
    for when, history_id, kind in page_rows:
        record = records[(kind, history_id)]
        model, label, _path = KINDS[kind]
        entries.append(AuditEntry(
            when=when, who=record.history_user, kind=kind, kind_label=str(label),
            subject=_subject(kind, record, names), programme=_programme_name(kind, record, names, programme_of),
            action=str(ACTIONS[record.history_type]), action_code=record.history_type,
            changes=[(capfirst(str(model._meta.get_field(c.field).verbose_name)),
                      history_value(model, c.field, c.old, names), history_value(model, c.field, c.new, names))
                     for c in deltas[(kind, history_id)]],
        ))
    return entries


# What each kind's subject and programme column need to name.
_REFERENCES = {
    "programme": [],
    "milestone": [("programme_id", Programme)],
    "participation": [("municipality_id", Municipality), ("cohort_id", Cohort)],
    "progress": [("participation_id", Participation)],
    "stage_output": [("participation_id", Participation)],
    "meeting": [("programme_id", Programme)],
    "role": [("user_id", User), ("programme_id", Programme), ("participation_id", Participation),
             ("municipality_id", Municipality)],
    "import": [("programme_id", Programme), ("participation_id", Participation)],
    "call": [("programme_id", Programme)],
    "application": [("municipality_id", Municipality), ("call_id", Call)],
    "reviewer": [("user_id", User), ("call_id", Call)],
    "criterion": [("call_id", Call)],
    "question": [("call_id", Call)],
}


def _names(refs) -> tuple[dict, dict]:
    """One query per referred model: display names, and the programme of each cohort and participation."""
    names, programme_of = {}, {}
    related = {Participation: ("municipality", "cohort__programme"), Cohort: ("programme",), Phase: (),
               Call: ("programme",)}
    for model, ids in refs.items():
        queryset = model.objects.filter(pk__in=ids)
        if model in related and related[model]:
            queryset = queryset.select_related(*related[model])
        for obj in queryset:
            if model is Participation:
                names[(model, obj.pk)] = str(obj.municipality)
                programme_of[(model, obj.pk)] = obj.cohort.programme.name
            elif model is Cohort:
                names[(model, obj.pk)] = str(obj)
                programme_of[(model, obj.pk)] = obj.programme.name
            elif model is Programme:
                names[(model, obj.pk)] = obj.name
            elif model is Call:
                names[(model, obj.pk)] = obj.title
                programme_of[(model, obj.pk)] = obj.programme.name
            else:
                names[(model, obj.pk)] = str(obj)
    return names, programme_of


def _subject(kind: str, record, names) -> str:
    if kind == "programme":
        return Programme(name_da=record.name_da, name_en=record.name_en).name
    if kind == "milestone":
        return Milestone(title_da=record.title_da, title_en=record.title_en).title
    if kind == "meeting":
        return Meeting(title_da=record.title_da, title_en=record.title_en).title
    if kind == "participation":
        return names.get((Municipality, record.municipality_id), _("(deleted)"))
    if kind == "progress":
        place = names.get((Participation, record.participation_id), _("(deleted)"))
        return f"{place} {record.happened_on:%d.%m.%Y}"
    if kind == "import":
        kind_label = ImportRecord(kind=record.kind).get_kind_display()
        where = names.get((Participation, record.participation_id)) if record.participation_id else ""
        return _("%(kind)s from %(file)s: %(count)s saved") % {
            "kind": f"{kind_label}{' (' + where + ')' if where else ''}", "file": record.file_name,
            "count": record.rows_saved}
    if kind == "stage_output":
        return f"{record.title} ({names.get((Participation, record.participation_id), _('(deleted)'))})"
    if kind == "call":
        return Call(title_da=record.title_da, title_en=record.title_en).title
    if kind == "application":
        return (f"{names.get((Municipality, record.municipality_id), _('(deleted)'))} · "
                f"{names.get((Call, record.call_id), _('(deleted)'))}")
    in_call = {  # a row of a call: what it is, then which call
        "reviewer": lambda: names.get((User, record.user_id), _("(deleted)")),
        "criterion": lambda: Criterion(name_da=record.name_da, name_en=record.name_en).name,
        "question": lambda: Question(label_da=record.label_da, label_en=record.label_en).label,
    }
    if kind in in_call:
        return f"{in_call[kind]()} · {names.get((Call, record.call_id), _('(deleted)'))}"
    # a role: whose, which, where
    person = names.get((User, record.user_id), _("(deleted)"))
    where = (names.get((Participation, record.participation_id)) or names.get((Programme, record.programme_id))
             or names.get((Municipality, record.municipality_id)) or "")
    role = str(dict(RoleAssignment._meta.get_field("role").flatchoices).get(record.role, record.role))
    return f"{person} — {role}{' (' + where + ')' if where else ''}"


def _programme_name(kind: str, record, names, programme_of) -> str:
    if kind == "programme":
        return Programme(name_da=record.name_da, name_en=record.name_en).name
    if kind in ("milestone", "meeting", "import") or (kind == "role" and record.programme_id):
        return names.get((Programme, record.programme_id), "")
    if kind == "participation":
        return programme_of.get((Cohort, record.cohort_id), "")
    if kind == "call":
        return names.get((Programme, record.programme_id), "")
    if kind in ("application", "reviewer", "criterion", "question"):
        return programme_of.get((Call, record.call_id), "")
    if kind in ("progress", "stage_output") or (kind == "role" and record.participation_id):
        return programme_of.get((Participation, record.participation_id), "")
    return ""  # a municipal staff role or an admin: not of one programme


def iter_audit_entries(*, rows: QuerySet, chunk: int = 500):
    """Every entry of ``rows``, filled in a chunk at a time: an export streams without holding it all."""
    offset = 0
    while True:
        page_rows = list(rows[offset:offset + chunk])
        if not page_rows:
            return
        yield from audit_entries(page_rows=page_rows)
        if len(page_rows) < chunk:
            return
        offset += chunk
