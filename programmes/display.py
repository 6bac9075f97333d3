"""How programme data is drawn and formatted: money, elapsed time, and the geometry of the server-rendered
SVG charts (timeline, budget). Pure functions of data already read by selectors; no queries here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def format_dkk(value) -> str:
    """5460000 → '5.460.000 DKK' (grouping of the current language; øre only when there are any)."""
    if value is None:
        return "–"
    value = Decimal(value)
    decimals = 0 if value == value.to_integral_value() else 2
    number = formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{number} DKK"


def elapsed_percent(starts_on: date | None, ends_on: date | None, today: date) -> int | None:
    if not (starts_on and ends_on):
        return None
    if today <= starts_on:
        return 0
    if today >= ends_on:
        return 100
    total = (ends_on - starts_on).days or 1
    return round(100 * (today - starts_on).days / total)


# --- Timeline ---------------------------------------------------------------------------------------------

TL_WIDTH = 1000
TL_LABEL = 210  # room for row labels on the left
TL_RIGHT = 16
TL_AXIS = 46  # year and month labels above the rows
TL_ROW = 30


def shorten(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class Bar:
    x: float
    width: float
    label: str
    title: str
    text_x: float
    text_inside: bool


@dataclass
class Marker:
    x: float
    y: float
    status: str
    overdue: bool
    title: str
    points: str = ""

    @property
    def strike(self) -> tuple[float, float, float, float]:
        return (round(self.x - 7, 1), round(self.y + 7, 1), round(self.x + 7, 1), round(self.y - 7, 1))


@dataclass
class Row:
    label: str
    full_label: str
    y: float
    kind: str  # "phase" or "milestones"
    bar: Bar | None = None
    markers: list[Marker] = field(default_factory=list)

    @property
    def mid(self) -> float:
        return self.y + TL_ROW / 2

    @property
    def text_y(self) -> float:
        return self.y + TL_ROW / 2 + 4

    @property
    def bar_y(self) -> float:
        return self.y + 5


@dataclass
class Tick:
    x: float
    label: str
    major: bool


@dataclass
class Timeline:
    width: int
    height: int
    rows: list[Row]
    ticks: list[Tick]
    years: list[Tick]
    today_x: float | None
    bottom: int = 0
    plot_left: int = TL_LABEL
    plot_right: int = TL_WIDTH - TL_RIGHT
    axis_y: int = TL_AXIS

    @property
    def today_label_y(self) -> int:
        return self.bottom + 15


def _month_starts(start: date, end: date):
    day = date(start.year, start.month, 1)
    while day <= end:
        yield day
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def build_timeline(*, starts_on: date, ends_on: date, phases, programme_milestones, municipality_rows,
                   today: date) -> Timeline:
    """Phases as bars and milestones as markers across the programme's dates.

    ``municipality_rows`` is a list of (label, milestones) for the municipalities the person may see."""
    span = max((ends_on - starts_on).days, 1)
    left, right = TL_LABEL, TL_WIDTH - TL_RIGHT

    def x_of(day: date) -> float:
        day = min(max(day, starts_on), ends_on)
        return round(left + (right - left) * (day - starts_on).days / span, 1)

    months = list(_month_starts(starts_on, ends_on))
    step = 1 if len(months) <= 36 else 3 if len(months) <= 96 else 12
    ticks = []
    for month in months:
        if month < starts_on:
            continue
        if (month.month - 1) % step == 0:
            label = formats.date_format(month, "M") if step < 12 else str(month.year)
            ticks.append(Tick(x_of(month), label.rstrip("."), major=month.month == 1))
    years = []
    for year in range(starts_on.year, ends_on.year + 1):
        first = max(date(year, 1, 1), starts_on)
        last = min(date(year, 12, 31), ends_on)
        years.append(Tick(round((x_of(first) + x_of(last)) / 2, 1), str(year), major=True))

    rows: list[Row] = []
    y = TL_AXIS + 8
    for phase in phases:
        x1, x2 = x_of(phase.starts_on), x_of(phase.ends_on + timedelta(days=1))
        width = max(x2 - x1, 2)
        name = phase.name
        period = f"{phase.starts_on:%d.%m.%Y} – {phase.ends_on:%d.%m.%Y}"
        # The row label names the phase; the bar repeats it only where it fits inside.
        inside = width > len(name) * 6.6 + 12
        bar = Bar(x=x1, width=round(width, 1), label=name if inside else "", title=f"{name}: {period}",
                  text_x=round(x1 + 6, 1), text_inside=inside)
        rows.append(Row(label=shorten(name), full_label=name, y=y, kind="phase", bar=bar))
        y += TL_ROW

    def marker_row(label, milestones):
        nonlocal y
        row = Row(label=shorten(label), full_label=label, y=y, kind="milestones")
        for milestone in milestones:
            mx, my = x_of(milestone.due_on), row.mid
            size = 7
            marker = Marker(
                x=mx, y=my, status=milestone.status, overdue=milestone.is_overdue,
                title=f"{milestone.title} · {milestone.due_on:%d.%m.%Y} · {milestone.get_status_display()}"
                      + (f" · {_('Overdue')}" if milestone.is_overdue else ""),
                points=f"{mx},{my - size} {mx + size},{my} {mx},{my + size} {mx - size},{my}",
            )
            row.markers.append(marker)
        rows.append(row)
        y += TL_ROW

    marker_row(pgettext("timeline row", "Whole programme"), programme_milestones)
    for label, milestones in municipality_rows:
        marker_row(label, milestones)

    today_x = x_of(today) if starts_on <= today <= ends_on else None
    bottom = y + 4
    height = bottom + (22 if today_x is not None else 4)  # room for the "today" label under the rows
    return Timeline(width=TL_WIDTH, height=int(height), rows=rows, ticks=ticks, years=years, today_x=today_x,
                    bottom=int(bottom))


# --- Budget -----------------------------------------------------------------------------------------------

BC_WIDTH = 1000
BC_LABEL = 90
BC_VALUES = 330  # room on the right for the figures, the widest "! 12.345.678 DKK af 12.345.678 DKK" in bold too
BC_ROW = 44


@dataclass
class BudgetBar:
    code: str
    name: str
    y: float
    allocated_width: float
    spent_width: float
    over: bool
    text: str

    @property
    def label_y(self) -> float:
        return self.y + 20

    @property
    def spent_y(self) -> float:
        return self.y + 8

    @property
    def text_y(self) -> float:
        return self.y + 20


@dataclass
class BudgetChart:
    width: int
    height: int
    bars: list[BudgetBar]
    plot_left: int = BC_LABEL
    plot_right: int = BC_WIDTH - BC_VALUES
    text_x: int = BC_WIDTH - BC_VALUES + 10


def build_budget_chart(lines) -> BudgetChart:
    """One row per work package: the allocation as a light bar, what is spent as a dark bar on top of it."""
    biggest = max([max(line.allocated_dkk, line.spent_dkk) for line in lines] or [Decimal(1)]) or Decimal(1)
    plot = BC_WIDTH - BC_VALUES - BC_LABEL
    bars = []
    for index, line in enumerate(lines):
        bars.append(BudgetBar(
            code=line.code, name=line.name, y=8 + index * BC_ROW,
            allocated_width=round(float(plot * line.allocated_dkk / biggest), 1),
            spent_width=round(float(plot * line.spent_dkk / biggest), 1),
            over=line.spent_dkk > line.allocated_dkk,
            text=_("%(spent)s of %(allocated)s") % {"spent": format_dkk(line.spent_dkk),
                                                    "allocated": format_dkk(line.allocated_dkk)},
        ))
    return BudgetChart(width=BC_WIDTH, height=16 + max(len(bars), 1) * BC_ROW, bars=bars)
