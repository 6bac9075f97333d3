"""The skills chart as plain coordinates for an inline SVG (no chart library, no JavaScript).

One chart per area. Each row is a municipality (the cohort's average last, in bold); on a 1–5 scale a
line joins the "before" and "after" averages, and each stage has its own marker shape — circle, square,
triangle — so colour is never the only signal. The data table beside the chart holds the numbers.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import SkillAssessment

LABEL_WIDTH = 210
PLOT_WIDTH = 380
RIGHT_PAD = 24
ROW_HEIGHT = 30
TOP = 34
STAGE_STYLE = {  # stage: (shape, colour)
    SkillAssessment.Stage.BEFORE: ("circle", "#5c6b66"),
    SkillAssessment.Stage.MIDWAY: ("square", "#1f5c99"),
    SkillAssessment.Stage.AFTER: ("triangle", "#1d6b4f"),
}
AREAS = (("systems_thinking", SkillAssessment._meta.get_field("systems_thinking").verbose_name),
         ("circular_models", SkillAssessment._meta.get_field("circular_models").verbose_name))


def _x(score: float) -> float:
    return round(LABEL_WIDTH + (score - 1) / 4 * PLOT_WIDTH, 1)


def _marker(shape: str, x: float, y: float) -> str:
    if shape == "square":
        return f"M{x - 5},{y - 5}h10v10h-10z"
    if shape == "triangle":
        return f"M{x},{y - 7}L{x + 7},{y + 5}L{x - 7},{y + 5}z"
    return f"M{x - 6},{y}a6,6 0 1,0 12,0a6,6 0 1,0 -12,0"


def build_skills_charts(groups: list[dict]) -> list[dict]:
    charts = []
    rows = [row for group in groups for row in group["rows"]]
    for area, title in AREAS:
        chart_rows = []
        for index, row in enumerate(rows):
            y = TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2
            points = []
            for stage in SkillAssessment.Stage:
                score = row.score(area, stage)
                if score is None:
                    continue
                shape, colour = STAGE_STYLE[stage]
                x = _x(score)
                points.append({"stage": stage.label, "score": score, "x": x, "path": _marker(shape, x, y),
                               "colour": colour})
            xs = [p["x"] for p in points]
            cells = [{"score": row.score(area, stage), "n": (row.values.get(stage) or (None, None, 0))[2]}
                     for stage in SkillAssessment.Stage]
            chart_rows.append({"label": row.label, "is_total": row.is_total, "y": y, "text_y": y + 4, "cells": cells,
                               "line": (min(xs), max(xs)) if len(xs) > 1 else None, "points": points,
                               "change": row.change(area)})
        height = TOP + max(len(rows), 1) * ROW_HEIGHT + 10
        charts.append({
            "area": area, "title": str(title).capitalize(), "rows": chart_rows,
            "width": LABEL_WIDTH + PLOT_WIDTH + RIGHT_PAD, "height": height, "plot_bottom": height - 10,
            "ticks": [{"x": _x(score), "label": score} for score in (1, 2, 3, 4, 5)],
            "aria_label": _("%(area)s: average self-assessment on a scale of 1 to 5 before, mid-way and after, per "
                            "municipality and for the cohort. The numbers are in the table.") % {
                "area": str(title).capitalize()},
        })
    return charts


def legend() -> list[dict]:
    return [{"label": stage.label, "path": _marker(STAGE_STYLE[stage][0], 10, 10), "colour": STAGE_STYLE[stage][1]}
            for stage in SkillAssessment.Stage]
