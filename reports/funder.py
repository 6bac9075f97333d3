"""Reads for the funder report and the open-data export of a programme (issue 7, items 4 and 5).

Both count **published** results only: progress entries a municipality has published, measurements that are not
part of a draft entry, partner involvements that are not part of a draft entry, live library items. A draft is
its municipality's until it publishes it, so neither the funder nor the public ever sees one; a withdrawn entry
(and what hangs on it) leaves both. The open data goes further: a published entry leaves the programme only once
a facilitator or the municipality's advisor has accepted it (unless the programme reviews nothing).

:func:`funder_report` is everything the report page, its PDF, CSV and XLSX show, built on the selectors of the
programme, municipality, workshop and community apps; :func:`open_data` is the public subset as plain values
(codes, not translated labels; no people). Both make a fixed number of queries whatever the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Participation, Programme
from programmes.selectors import (
    BudgetOverview,
    budget_overview,
    programme_get_for_user_or_404,
    visible_participations,
)

from .permissions import can_download_open_data, can_view_funder_report

TEST_STAGES = (Participation.Stage.DELIVER, Participation.Stage.ANCHOR)  # the local test has been run


# --- Data ---------------------------------------------------------------------------------------------------

@dataclass
class StageCount:
    code: str
    label: str
    count: int


@dataclass
class MunicipalityRow:
    participation: Participation
    stage_label: str
    published_entries: int
    last_published_on: date | None
    accepted_outputs: int

    @property
    def name(self) -> str:
        return str(self.participation.municipality)


@dataclass
class SectorCount:
    code: str
    label: str
    organisations: int
    involvements: int
    municipalities: int


@dataclass
class SkillChange:
    cohort: str
    area: str
    label: str
    before: float | None
    after: float | None
    answers_before: int
    answers_after: int

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


@dataclass
class IndicatorResult:
    municipality: str
    municipality_code: str
    name: str
    unit: str
    direction: str
    baseline: Decimal | None
    target: Decimal | None
    latest: Decimal | None
    latest_on: date | None
    measurements: list = field(default_factory=list)  # (date, value), oldest first, published only

    @property
    def progress_percent(self) -> int | None:
        """How far from the baseline to the target the latest measurement has come (either direction)."""
        if None in (self.baseline, self.target, self.latest) or self.target == self.baseline:
            return None
        return round(100 * (self.latest - self.baseline) / (self.target - self.baseline))

    @property
    def target_met(self) -> bool:
        percent = self.progress_percent
        return percent is not None and percent >= 100


@dataclass
class SolutionModel:
    title: str
    municipality: str
    adoptions: int


@dataclass
class FunderReport:
    programme: Programme
    generated_at: datetime
    budget: BudgetOverview
    municipalities: list[MunicipalityRow]
    stages: list[StageCount]
    partners: list[SectorCount]
    partner_organisations: int
    skills: list[SkillChange]
    indicators: list[IndicatorResult]
    solution_models: list[SolutionModel]

    @property
    def municipality_count(self) -> int:
        return len(self.municipalities)

    @property
    def tests_run(self) -> int:
        return sum(1 for row in self.municipalities if row.participation.stage in TEST_STAGES)

    @property
    def published_entries(self) -> int:
        return sum(row.published_entries for row in self.municipalities)

    @property
    def accepted_outputs(self) -> int:
        return sum(row.accepted_outputs for row in self.municipalities)

    @property
    def adoptions(self) -> int:
        return sum(model.adoptions for model in self.solution_models)

    @property
    def spent_percent(self) -> int | None:
        budget = self.programme.budget_dkk
        return round(100 * self.budget.spent / budget) if budget else None

    @property
    def targets_met(self) -> int:
        return sum(1 for result in self.indicators if result.target_met)

    def key_figures(self) -> list[tuple[str, str, object, str]]:
        """(key, label, value, kind) of the figures the report opens with, in plain words."""
        return [
            ("municipalities", _("Municipalities taking part"), self.municipality_count, "int"),
            ("tests_run", _("Local tests run (reached the test stage)"), self.tests_run, "int"),
            ("solution_models", _("Solution models published"), len(self.solution_models), "int"),
            ("partners", _("Partner organisations engaged"), self.partner_organisations, "int"),
            ("entries", _("Published progress reports"), self.published_entries, "int"),
            ("targets", _("Indicators that reached their target"), self.targets_met, "int"),
            ("budget", _("Programme budget"), self.programme.budget_dkk, "money"),
            ("spent", _("Spent so far"), self.budget.spent, "money"),
        ]


# --- Shared reads -------------------------------------------------------------------------------------------

def _models():
    # Imported here: reports sits on top of every app, none of them imports reports.
    from community.models import LibraryItem
    from municipalities.models import Indicator, Measurement, PartnerInvolvement, ProgressEntry, Sector, StageGateOutput

    return LibraryItem, Indicator, Measurement, PartnerInvolvement, ProgressEntry, Sector, StageGateOutput


def _not_in_a_draft(prefix: str = "", *, released: bool = False) -> Q:
    """Rows that may hang on a progress entry (measurements, partner involvements): none, or a published one
    (``released``: one that has also left the programme, see :func:`_published`)."""
    return Q(**{f"{prefix}entry__isnull": True}) | _published(f"{prefix}entry__", released=released)


def _published(prefix: str = "", *, released: bool = False) -> Q:
    """Published progress entries: inside the programme (the funder report) all of them; ``released`` (the open
    data, for everyone) only those a second pair of eyes accepted, unless the programme reviews nothing."""
    from municipalities.models import ProgressEntry, public_entry_q

    return public_entry_q(prefix) if released else Q(**{f"{prefix}state": ProgressEntry.State.PUBLISHED})


def _progress_by_participation(participation_ids, *, released: bool = False) -> dict[int, dict]:
    _l, _i, _m, _p, ProgressEntry, _s, _g = _models()
    return {row["participation_id"]: row for row in ProgressEntry.objects.filter(
        _published(released=released), participation_id__in=participation_ids).order_by()
        .values("participation_id").annotate(n=Count("pk"), last=Max("happened_on"))}


def _accepted_outputs(participation_ids) -> dict[int, int]:
    StageGateOutput = _models()[6]
    return dict(StageGateOutput.objects.filter(participation_id__in=participation_ids,
                                               state=StageGateOutput.State.ACCEPTED).order_by()
                .values_list("participation_id").annotate(n=Count("pk")).values_list("participation_id", "n"))


def _partners(participation_ids, *, released: bool = False) -> tuple[list[SectorCount], int]:
    _l, _i, _m, PartnerInvolvement, _e, Sector, _g = _models()
    involvements = PartnerInvolvement.objects.filter(_not_in_a_draft(released=released),
                                                     participation_id__in=participation_ids)
    counts = {row["sector"]: row for row in involvements.order_by().values("sector").annotate(
        orgs=Count("organisation", distinct=True), n=Count("pk"), places=Count("participation", distinct=True))}
    total = involvements.aggregate(n=Count("organisation", distinct=True))["n"]
    sectors = [SectorCount(code, str(label), counts.get(code, {}).get("orgs", 0), counts.get(code, {}).get("n", 0),
                           counts.get(code, {}).get("places", 0)) for code, label in Sector.choices]
    return sectors, total


def _indicators(participation_ids, *, released: bool = False) -> list[IndicatorResult]:
    """Two queries, read as plain values: a national programme has thousands of measurements."""
    _l, Indicator, Measurement, *_rest = _models()
    indicators = list(Indicator.objects.filter(participation_id__in=participation_ids).order_by(
        "participation__municipality__name", "name", "pk").values_list(
        "pk", "participation__municipality__name", "participation__municipality__code", "name", "unit",
        "direction", "baseline", "target"))
    points: dict[int, list] = {pk: [] for pk, *_rest in indicators}
    for indicator_id, measured_on, value in Measurement.objects.filter(
            _not_in_a_draft(released=released), indicator_id__in=list(points)).order_by(
            "measured_on", "id").values_list("indicator_id", "measured_on", "value"):
        points[indicator_id].append((measured_on, value))
    results = []
    for pk, municipality, code, name, unit, direction, baseline, target in indicators:
        measured = points[pk]
        results.append(IndicatorResult(
            municipality=municipality, municipality_code=code or "", name=name, unit=unit, direction=direction,
            baseline=baseline, target=target, latest=measured[-1][1] if measured else None,
            latest_on=measured[-1][0] if measured else None, measurements=measured))
    return results


def _solution_models(programme: Programme, visibility: Q) -> list:
    LibraryItem = _models()[0]
    from community.selectors import LIVE_ITEM

    return list(LibraryItem.objects.filter(visibility, LIVE_ITEM, kind=LibraryItem.Kind.SOLUTION_MODEL).filter(
        Q(programme=programme) | Q(participation__cohort__programme=programme)).select_related(
        "municipality").annotate(adoption_count=Count("adoptions")).order_by("-published_at", "-pk"))


def _skills(*, user, programme: Programme) -> list[SkillChange]:
    """Each cohort's average before and after, per area (the workshops' own selector; averages only)."""
    from workshops.selectors import skills_overview
    from workshops.skills_chart import AREAS

    changes = []
    for group in skills_overview(user=user, programme=programme):
        total = next((row for row in group["rows"] if row.is_total), None)
        if total is None or not total.values:
            continue
        for area, title in AREAS:
            answers = {stage: (total.values.get(stage) or (None, None, 0))[2] for stage in ("before", "after")}
            changes.append(SkillChange(cohort=str(group["cohort"]), area=area, label=str(title).capitalize(),
                                       before=total.score(area, "before"), after=total.score(area, "after"),
                                       answers_before=answers["before"], answers_after=answers["after"]))
    return changes


# --- The funder report --------------------------------------------------------------------------------------

def funder_report(*, user, programme: Programme) -> FunderReport:
    """The whole report: budget against spending per work package, the outputs of the local tests, partners per
    sector, the change in skills and the indicator results. Call only for someone allowed to read it
    (``reports.permissions.can_view_funder_report``): they see the whole programme, so the report is the same
    for every reader. Solution models: every live one of the programme, whatever its
    audience (cohort, community, public): every reader belongs to the programme or is an admin."""
    participations = list(visible_participations(user=user, programme=programme))
    ids = [p.pk for p in participations]
    progress = _progress_by_participation(ids)
    outputs = _accepted_outputs(ids)
    labels = dict(Participation.Stage.choices)
    rows = [MunicipalityRow(participation=p, stage_label=str(labels[p.stage]),
                            published_entries=progress.get(p.pk, {}).get("n", 0),
                            last_published_on=progress.get(p.pk, {}).get("last"),
                            accepted_outputs=outputs.get(p.pk, 0)) for p in participations]
    stages = [StageCount(code, str(label), sum(1 for p in participations if p.stage == code))
              for code, label in Participation.Stage.choices]
    partners, organisations = _partners(ids)
    models = [SolutionModel(title=item.title, municipality=str(item.municipality or ""),
                            adoptions=item.adoption_count)
              for item in _solution_models(programme, Q())]
    return FunderReport(
        programme=programme, generated_at=timezone.now(), budget=budget_overview(programme=programme),
        municipalities=rows, stages=stages, partners=partners, partner_organisations=organisations,
        skills=_skills(user=user, programme=programme), indicators=_indicators(ids), solution_models=models)


# --- Open data ----------------------------------------------------------------------------------------------

OPEN_DATA_SCHEMA = "https://circular-cities.example/schemas/open-data/v1"
OPEN_DATA_VERSION = 1


def funder_programme_or_404(*, user, slug: str) -> Programme:
    """The programme, once the person may read its funder report: 404 for who does not see the programme (as
    ``programmes.selectors.programme_get_for_user_or_404``), 403 for the others who may not read the report."""
    programme = programme_get_for_user_or_404(user=user, slug=slug)
    if not can_view_funder_report(user, programme):
        raise PermissionDenied
    return programme


def open_data_programme_or_404(*, user, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not can_download_open_data(user, programme):
        raise Http404
    return programme


def _number(value) -> float | int | None:
    """Decimals as JSON numbers: whole numbers as int, others as float."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def open_data(*, programme: Programme) -> dict:
    """The programme's published results as plain values, the same for everyone (anonymous included).

    No person appears: no names, e-mails, authors, advisors or answers of one person; municipalities,
    organisations and published texts only. Codes rather than translated labels, so the file reads the same in
    every language. Eight queries whatever the data."""
    _l, _i, _m, _p, ProgressEntry, _s, _g = _models()
    participations = list(Participation.objects.filter(cohort__programme=programme).select_related(
        "municipality", "cohort").order_by("cohort__starts_on", "cohort__name", "municipality__name", "pk"))
    ids = [p.pk for p in participations]
    codes = {p.pk: p.municipality.code or "" for p in participations}
    # only what a second pair of eyes let out of the programme (municipalities.models.public_entry_q)
    entries = ProgressEntry.objects.filter(_published(released=True), participation_id__in=ids).order_by(
        "happened_on", "pk").values("participation_id", "happened_on", "status", "what_happened", "learnings")
    progress = _progress_by_participation(ids, released=True)
    partners, organisations = _partners(ids, released=True)
    public = _solution_models(programme, Q(visibility="public"))
    return {
        "schema": OPEN_DATA_SCHEMA,
        "version": OPEN_DATA_VERSION,
        "generated_at": timezone.now().replace(microsecond=0).isoformat(),
        "licence": "CC-BY-4.0",
        "programme": {
            "slug": programme.slug, "name_da": programme.name_da, "name_en": programme.name_en or programme.name_da,
            "starts_on": _iso(programme.starts_on), "ends_on": _iso(programme.ends_on), "status": programme.status,
            "is_demo": programme.is_demo,
        },
        "municipalities": [{
            "code": codes[p.pk], "name": str(p.municipality), "country": p.municipality.country,
            "cohort": p.cohort.name, "stage": p.stage, "test_run": p.stage in TEST_STAGES,
            "published_progress_entries": progress.get(p.pk, {}).get("n", 0),
        } for p in participations],
        "progress_entries": [{
            "municipality_code": codes[e["participation_id"]], "date": _iso(e["happened_on"]),
            "status": e["status"], "what_happened": e["what_happened"], "learnings": e["learnings"],
        } for e in entries],
        "indicators": [{
            "municipality_code": r.municipality_code, "name": r.name, "unit": r.unit, "direction": r.direction,
            "baseline": _number(r.baseline), "target": _number(r.target),
            "measurements": [{"date": _iso(day), "value": _number(value)} for day, value in r.measurements],
        } for r in _indicators(ids, released=True)],
        "partners_by_sector": [{"sector": s.code, "organisations": s.organisations, "involvements": s.involvements,
                                "municipalities": s.municipalities} for s in partners],
        "partner_organisations": organisations,
        "solution_models": [{
            "title_da": item.title_da, "title_en": item.title_en or item.title_da,
            "municipality_code": item.municipality.code if item.municipality else "",
            "adoptions": item.adoption_count,
        } for item in public],
    }


def _iso(day) -> str | None:
    return day.isoformat() if day else None


# --- Presentation: the report as tables and charts (pure functions of the data above, no queries) ----------
# The page, the PDF, the CSV and the XLSX are all made from the same tables, so they show the same figures:
# the page and the PDF the formatted text, the CSV and the XLSX the raw numbers.

@dataclass
class Column:
    label: str
    kind: str = "text"  # text, money, int, decimal, score, change, percent, date

    @property
    def numeric(self) -> bool:
        return self.kind != "text" and self.kind != "date"


@dataclass
class Table:
    key: str
    title: str
    caption: str
    columns: list[Column]
    rows: list[list]
    summary: str = ""  # one plain sentence: what the table says
    footer: list | None = None
    empty: str = ""

    @property
    def display_rows(self) -> list[list[tuple[str, object]]]:
        return [[(display(value, column.kind), value) for value, column in zip(row, self.columns, strict=True)]
                for row in self.rows]

    @property
    def display_footer(self) -> list[tuple[str, object]] | None:
        if self.footer is None:
            return None
        return [("" if value == "" else display(value, column.kind), value)
                for value, column in zip(self.footer, self.columns, strict=True)]

    def widths(self, total: float) -> list[float]:
        """Column widths for print: text columns twice as wide as figures, the first a little wider still."""
        weights = [1.0 if column.numeric or column.kind == "date" else 2.0 for column in self.columns]
        weights[0] += 0.5
        return [total * weight / sum(weights) for weight in weights]

    @property
    def numeric_columns(self) -> list[int]:
        return [index for index, column in enumerate(self.columns) if column.numeric]


def display(value, kind: str = "text") -> str:
    """How a value reads on the page and in the PDF, in the current language."""
    from django.utils import formats

    from programmes.display import format_dkk

    if value is None or value == "":
        return "–"
    if kind == "money":
        return format_dkk(value)
    if kind == "int":
        return formats.number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
    if kind == "decimal":
        value = Decimal(value)
        places = 0 if value == value.to_integral_value() else 2
        return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    if kind == "score":
        return formats.number_format(value, decimal_pos=1, use_l10n=True)
    if kind == "change":
        text = formats.number_format(abs(value), decimal_pos=1, use_l10n=True)
        return ("+" if value > 0 else "−" if value < 0 else "±") + text
    if kind == "percent":
        return f"{formats.number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)} %"
    if kind == "date":
        return formats.date_format(value, "d.m.Y")
    return str(value)


def report_tables(report: FunderReport) -> dict[str, Table]:
    from django.utils.translation import ngettext

    budget = report.budget
    tables = {}
    tables["key"] = Table(
        "key", _("Key figures"), _("The programme in figures"),
        [Column(_("Figure")), Column(_("Value"), "decimal")],
        [[label, value] for _key, label, value, _kind in report.key_figures()])
    tables["budget"] = Table(
        "budget", _("Budget and spending per work package"), _("Work packages: allocated, spent and left"),
        [Column(_("Work package")), Column(_("Name")), Column(_("Allocated (DKK)"), "money"),
         Column(_("Spent (DKK)"), "money"), Column(_("Left (DKK)"), "money"), Column(_("Used (%)"), "percent")],
        [[line.code, line.name, line.allocated_dkk, line.spent_dkk, line.remaining_dkk, line.percent]
         for line in budget.lines],
        summary=_("%(spent)s of %(allocated)s allocated to the work packages has been spent.") % {
            "spent": display(budget.spent, "money"), "allocated": display(budget.allocated, "money")},
        footer=[_("Total"), "", budget.allocated, budget.spent, budget.allocated - budget.spent,
                round(100 * budget.spent / budget.allocated) if budget.allocated else None],
        empty=_("No work packages yet."))
    tables["stages"] = Table(
        "stages", _("How far the local tests have come"), _("Municipalities per design stage"),
        [Column(_("Stage")), Column(_("Municipalities"), "int")],
        [[stage.label, stage.count] for stage in report.stages],
        summary=ngettext("%(run)d of %(count)d municipality has run its local test.",
                         "%(run)d of %(count)d municipalities have run their local test.",
                         report.municipality_count) % {"run": report.tests_run, "count": report.municipality_count})
    tables["municipalities"] = Table(
        "municipalities", _("Municipalities"), _("Each municipality: stage, published progress and accepted outputs"),
        [Column(_("Municipality")), Column(_("Cohort")), Column(_("Stage")), Column(_("Published progress reports"),
         "int"), Column(_("Latest published report"), "date"), Column(_("Accepted stage outputs"), "int")],
        [[row.name, row.participation.cohort.name, row.stage_label, row.published_entries, row.last_published_on,
          row.accepted_outputs] for row in report.municipalities],
        empty=_("No municipalities yet."))
    tables["solution_models"] = Table(
        "solution_models", _("Solution models"), _("Solution models published from the local tests"),
        [Column(_("Solution model")), Column(_("Municipality")), Column(_("Adopted by other municipalities"), "int")],
        [[model.title, model.municipality, model.adoptions] for model in report.solution_models],
        summary=ngettext("%(count)d solution model has been published, adopted %(adoptions)d times.",
                         "%(count)d solution models have been published, adopted %(adoptions)d times.",
                         len(report.solution_models)) % {"count": len(report.solution_models),
                                                         "adoptions": report.adoptions},
        empty=_("No solution models published yet."))
    tables["partners"] = Table(
        "partners", _("Partners engaged by sector"), _("Organisations, involvements and municipalities per sector"),
        [Column(_("Sector")), Column(_("Organisations"), "int"), Column(_("Involvements"), "int"),
         Column(_("Municipalities working with them"), "int")],
        [[s.label, s.organisations, s.involvements, s.municipalities] for s in report.partners],
        summary=ngettext("%(count)d organisation has taken part in the local tests.",
                         "%(count)d organisations have taken part in the local tests.",
                         report.partner_organisations) % {"count": report.partner_organisations})
    tables["skills"] = Table(
        "skills", _("Change in skills"), _("Average self-assessment (1–5) before and after, per cohort"),
        [Column(_("Cohort")), Column(_("Skill")), Column(_("Before"), "score"), Column(_("After"), "score"),
         Column(_("Change"), "change"), Column(_("Answers before"), "int"), Column(_("Answers after"), "int")],
        [[s.cohort, s.label, s.before, s.after, s.change, s.answers_before, s.answers_after] for s in report.skills],
        summary=_("Participants rate their own skills from 1 (new to me) to 5 (I could teach it); only averages "
                  "are shown."),
        empty=_("No skills self-assessments yet."))
    tables["indicators"] = Table(
        "indicators", _("Indicator results"), _("Each indicator: baseline, latest published measurement and target"),
        [Column(_("Municipality")), Column(_("Indicator")), Column(_("Unit")), Column(_("Baseline"), "decimal"),
         Column(_("Latest"), "decimal"), Column(_("Measured"), "date"), Column(_("Target"), "decimal"),
         Column(_("Of the way to the target (%)"), "percent")],
        [[r.municipality, r.name, r.unit, r.baseline, r.latest, r.latest_on, r.target, r.progress_percent]
         for r in report.indicators],
        summary=ngettext("%(met)d of %(count)d indicator has reached its target.",
                         "%(met)d of %(count)d indicators have reached their target.",
                         len(report.indicators)) % {"met": report.targets_met, "count": len(report.indicators)},
        empty=_("No indicators yet."))
    return tables


# Horizontal bar charts for the page, as plain coordinates for inline SVG (no library, no JavaScript).
HC_WIDTH, HC_LABEL, HC_TEXT = 900, 310, 170
HC_BAR, HC_GAP, HC_ROW_GAP = 16, 4, 14


@dataclass
class HBar:
    x: float
    y: float
    width: float
    css: str
    text: str
    text_x: float
    text_y: float
    height: int = HC_BAR


@dataclass
class HRow:
    label: str
    label_y: float
    bars: list[HBar]


@dataclass
class HChart:
    title: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    rows: list[HRow]
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css, label)
    reference_x: float | None = None  # a dashed line, e.g. at 100 % of the target
    reference_label: str = ""


def hbar_chart(rows, *, title: str, legend=(), maximum: float | None = None, reference=None) -> HChart:
    """``rows``: (label, [(value, css class, text), …]); one bar per series, the text written beside it."""
    from programmes.display import shorten

    values = [float(value or 0) for _label, series in rows for value, _css, _text in series]
    top = maximum or max(values + [0.0]) or 1.0
    plot = HC_WIDTH - HC_LABEL - HC_TEXT
    chart_rows, y = [], 8.0
    for label, series in rows:
        height = len(series) * HC_BAR + (len(series) - 1) * HC_GAP
        bars = []
        for index, (value, css, text) in enumerate(series):
            bar_y = y + index * (HC_BAR + HC_GAP)
            width = round(plot * min(float(value or 0), top) / top, 1)
            bars.append(HBar(x=HC_LABEL, y=bar_y, width=max(width, 1.5 if value else 0), css=css, text=text,
                             text_x=round(HC_LABEL + width + 8, 1), text_y=bar_y + HC_BAR - 4))
        chart_rows.append(HRow(label=shorten(str(label), 33), label_y=round(y + height / 2 + 5, 1), bars=bars))
        y += height + HC_ROW_GAP
    chart = HChart(title=title, width=HC_WIDTH, height=int(y) + (18 if reference else 0), plot_left=HC_LABEL,
                   plot_right=HC_LABEL + plot, rows=chart_rows, legend=list(legend))
    if reference:
        value, label = reference
        chart.reference_x = round(HC_LABEL + plot * min(float(value), top) / top, 1)
        chart.reference_label = label
    return chart


def report_charts(report: FunderReport) -> dict[str, object]:
    from programmes.display import build_budget_chart

    charts: dict[str, object] = {}
    if report.budget.lines:
        charts["budget"] = build_budget_chart(report.budget.lines)
    charts["stages"] = hbar_chart(
        [(stage.label, [(stage.count, "fr-bar", display(stage.count, "int"))]) for stage in report.stages],
        title=_("Bar chart: municipalities per design stage. The table below has the figures."))
    charts["partners"] = hbar_chart(
        [(s.label, [(s.organisations, "fr-bar", display(s.organisations, "int"))]) for s in report.partners],
        title=_("Bar chart: partner organisations per sector. The table below has the figures."))
    if report.skills:
        charts["skills"] = hbar_chart(
            [(f"{s.label} · {s.cohort}" if len({x.cohort for x in report.skills}) > 1 else s.label,
              [(s.before, "fr-bar-before", _("Before: %(score)s") % {"score": display(s.before, "score")}),
               (s.after, "fr-bar", _("After: %(score)s") % {"score": display(s.after, "score")})])
             for s in report.skills],
            title=_("Bar chart: average skills before and after on a scale of 1 to 5. The table below has the "
                    "figures."), maximum=5.0,
            legend=[("fr-swatch-before", _("Before")), ("fr-swatch", _("After"))])
    measured = [r for r in report.indicators if r.progress_percent is not None]
    if measured:
        charts["indicators"] = hbar_chart(
            [(f"{r.municipality}: {r.name}",
              [(max(r.progress_percent, 0), "fr-bar-met" if r.target_met else "fr-bar",
                ("✓ " if r.target_met else "") + display(r.progress_percent, "percent"))]) for r in measured],
            title=_("Bar chart: how far each indicator has come from its baseline to its target, in per cent. "
                    "The table below has the figures."), maximum=max([100.0] + [float(r.progress_percent)
                                                                                for r in measured]),
            reference=(100, _("Target")),
            legend=[("fr-swatch", _("On the way")), ("fr-swatch-met", _("Target reached (marked ✓)"))])
    return charts
