"""The benchmark's writer (bench/writer.py): its plan, and how it reads a form as a browser would. No network."""

from collections import Counter
from itertools import islice, takewhile

import pytest

from bench.client import forms_in, multipart
from bench.writer import KINDS, plan

PROGRAMMES = ["national", *(f"p{i:02d}" for i in range(1, 12))]


def first_minute(**kwargs):
    return list(takewhile(lambda w: w.at < 60, plan(PROGRAMMES, "national", **kwargs)))


def test_one_write_a_second_over_all_programmes_and_one_every_ten_seconds_in_the_measured_one():
    writes = first_minute()
    spread = [w for w in writes if not w.measured]
    extra = [w for w in writes if w.measured]
    assert len(spread) == 60 and len(extra) == 6
    assert [w.at for w in spread] == [float(s) for s in range(60)]
    assert [w.at for w in extra] == [5.0, 15.0, 25.0, 35.0, 45.0, 55.0]
    assert {w.programme for w in extra} == {"national"}
    # the spread writes visit every programme in turn: five each in a minute
    assert Counter(w.programme for w in spread) == dict.fromkeys(PROGRAMMES, 5)
    assert [w.at for w in writes] == sorted(w.at for w in writes)


def test_every_programme_gets_every_kind_in_turn():
    writes = list(islice(plan(PROGRAMMES, "national"), 1000))
    for slug in PROGRAMMES:
        kinds = [w.kind for w in writes if w.programme == slug]
        assert kinds[:8] == list(KINDS) * 2
        counts = Counter(kinds)
        assert max(counts.values()) - min(counts.values()) <= 1
    measured = Counter(w.programme for w in writes)
    assert measured["national"] > 1.5 * measured["p01"]  # its own writes plus the extra ones


def test_the_rates_can_be_changed_and_the_measured_programme_must_exist():
    writes = first_minute(per_second=2.0, measured_every=5.0)
    assert sum(not w.measured for w in writes) == 120 and sum(w.measured for w in writes) == 12
    with pytest.raises(ValueError):
        next(plan(PROGRAMMES, "elsewhere"))


PAGE = """
<form method="get" action="/search/"><input name="q" value="x"></form>
<form method="post" action="/municipalities/participations/4/progress/new/" enctype="multipart/form-data">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok&amp;en">
  <input type="date" name="happened_on" value="2026-12-05">
  <textarea name="what_happened">
</textarea>
  <input type="radio" name="status" value="on_track"><input type="radio" name="status" value="blocked" checked>
  <input type="checkbox" name="milestones" value="7"><input type="checkbox" name="milestones" value="8" checked>
  <select name="indicator"><option value="">---------</option><option value="3">Tons</option></select>
  <select name="partner_sector"><option value="a">A</option><option value="b" selected>B</option></select>
  <input type="file" name="photo"><input name="off" value="1" disabled>
  <button type="submit" name="save" value="draft">Kladde</button>
  <button type="submit" name="publish" value="1">Udgiv</button>
</form>
"""


def test_a_form_is_read_and_filled_in_as_a_browser_would():
    search, form = forms_in(PAGE)
    assert search.method == "get"
    assert form.action == "/municipalities/participations/4/progress/new/"
    assert form.enctype == "multipart/form-data"
    assert form.buttons == [("save", "draft"), ("publish", "1")]
    sent = form.values(button=("publish", "1"), what_happened="Workshop", status="on_track")
    assert sent == [("csrfmiddlewaretoken", "tok&en"), ("happened_on", "2026-12-05"), ("milestones", "8"),
                    ("indicator", ""), ("partner_sector", "b"), ("what_happened", "Workshop"),
                    ("status", "on_track"), ("publish", "1")]
    body, content_type = multipart(sent)
    boundary = content_type.split("boundary=")[1]
    assert body.count(f"--{boundary}".encode()) == len(sent) + 1
    assert b'name="what_happened"\r\n\r\nWorkshop\r\n' in body
