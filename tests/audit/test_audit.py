"""The audit page: who changed what, and when, across programmes, milestones, participations, progress,
stage-gate outputs, meetings and roles; filters, the CSV export, and who sees which records."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from municipalities.models import ProgressEntry, StageGateOutput
from programmes.models import Milestone, Participation
from tests.factories import MilestoneFactory, UserFactory, build_world
from tests.workshops.factories import MeetingFactory

pytestmark = pytest.mark.django_db
URL = reverse("audit:list")
EXPORT = reverse("audit:export")


def _change(obj, by, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_user = by  # what the request middleware records for a change made on a page
    obj.save()
    return obj


def _create(model, by, **fields):
    obj = model(**fields)
    obj._history_user = by
    obj.save()
    return obj


def _changes_everywhere(side, by, label):
    """One change in each kind of record of one programme, made by ``by``."""
    _change(side.programme, by, name_en=f"Programme {label} renamed")
    milestone = MilestoneFactory(programme=side.programme, participation=side.participation,
                                 title_da=f"Testplan {label}", title_en=f"Test plan {label}")
    _change(milestone, by, status=Milestone.Status.DONE)
    _change(side.participation, by, stage=Participation.Stage.DEFINE)
    entry = _create(ProgressEntry, by, participation=side.participation, happened_on=timezone.localdate(),
                    what_happened=f"Workshop {label}")
    _change(entry, by, status=ProgressEntry.Status.AT_RISK)
    output = _create(StageGateOutput, by, participation=side.participation, stage="discover",
                     kind=StageGateOutput.Kind.INSIGHTS, title=f"Insights {label}", body="Summary")
    _change(output, by, state=StageGateOutput.State.RETURNED, review_comment="Add the map")
    meeting = MeetingFactory(programme=side.programme, title_en=f"Sparring {label}")
    _change(meeting, by, title_en=f"Sparring {label} moved")
    role = RoleAssignment.objects.get(user=side.users["staff"], role=Role.STAFF)
    _change(role, by, department=f"Miljø {label}")


@pytest.fixture
def world():
    world = build_world()
    world.editor_a = UserFactory(full_name="Ada Redaktør", email="ada@example.org")
    world.editor_b = UserFactory(full_name="Bo Berg", email="bo@example.org")
    _changes_everywhere(world.a, world.editor_a, "A")
    _changes_everywhere(world.b, world.editor_b, "B")
    return world


def _get(client, user, url=URL, **params):
    client.force_login(user)
    return client.get(url, params)


def _changed(entries, kind):
    return [e for e in entries if e.kind == kind and e.action_code == "~" and e.who is not None]


def test_a_change_in_each_kind_shows_who_when_and_what(client, world):
    response = _get(client, world.a.users["facilitator"])
    assert response.status_code == 200
    entries = response.context["entries"]
    expected = {
        "programme": ("Programme A renamed", ("Name (English)", "Programme a", "Programme A renamed")),
        "milestone": ("Test plan A", ("Status", "Planned", "Done")),
        "participation": ("By a1", ("Stage", "Discover", "Define")),
        "progress": ("By a1", ("Status", "On track", "At risk")),
        "stage_output": ("Insights A", ("State", "Submitted", "Sent back")),
        "meeting": ("Sparring A moved", ("Title (English)", "Sparring A", "Sparring A moved")),
        "role": ("Miljø A", ("Department", "Teknik og Miljø", "Miljø A")),
    }
    html = response.content.decode()
    for kind, (subject, change) in expected.items():
        changed = _changed(entries, kind)
        assert changed, kind
        entry = changed[0]
        assert entry.who == world.editor_a, kind
        assert abs(entry.when - timezone.now()) < timedelta(minutes=5)
        assert entry.action == "Changed"
        if kind == "role":
            assert world.a.users["staff"].full_name in entry.subject
        else:
            assert subject in entry.subject, (kind, entry.subject)
        labels = {label: (old, new) for label, old, new in entry.changes}
        assert labels.get(change[0]) == change[1:], (kind, entry.changes)
        if kind != "role":  # a staff role belongs to a municipality, not to one programme
            assert entry.programme in ("Programme a", "Programme A renamed"), (kind, entry.programme)
    assert "Ada Redaktør" in html and "Planned" in html and "Done" in html
    assert "Bo Berg" not in html and "Test plan B" not in html
    # created records show as created, without a diff; bookkeeping fields never show
    assert any(e.kind == "milestone" and e.action == "Created" and not e.changes for e in entries)
    assert all("updated" not in label.lower() for e in entries for label, _o, _n in e.changes)


def test_a_deleted_milestone_still_shows_with_its_programme(client, world):
    milestone = Milestone.objects.get(title_en="Test plan A")
    milestone._history_user = world.editor_a
    milestone.delete()
    entries = _get(client, world.a.users["facilitator"], action="deleted").context["entries"]
    assert [(e.kind, e.subject, e.who, e.programme) for e in entries] == [
        ("milestone", "Test plan A", world.editor_a, "Programme A renamed")]


def test_facilitator_of_another_programme_sees_nothing_of_ours(client, world):
    response = _get(client, world.b.users["facilitator"])
    entries = response.context["entries"]
    assert entries
    html = response.content.decode()
    for text in ("Ada Redaktør", "Test plan A", "Insights A", "Sparring A", "By a1", "Miljø A"):
        assert text not in html
    assert {e.who for e in entries if e.who} == {world.editor_b}
    # asking for our programme by its id changes nothing: it is not one of theirs
    response = _get(client, world.b.users["facilitator"], programme=world.a.programme.pk)
    assert "Ada Redaktør" not in response.content.decode()
    assert response.context["form"].errors
    export = _get(client, world.b.users["facilitator"], EXPORT)
    assert "Ada Redaktør" not in b"".join(export.streaming_content).decode()


def test_admin_sees_every_programme_and_filters_by_one(client, world):
    entries = _get(client, world.admin).context["entries"]
    assert {world.editor_a, world.editor_b} <= {e.who for e in entries}
    entries = _get(client, world.admin, programme=world.b.programme.pk).context["entries"]
    assert {e.who for e in entries if e.who} == {world.editor_b}


def test_filters_kind_person_action_and_dates(client, world):
    facilitator = world.a.users["facilitator"]
    entries = _get(client, facilitator, kind="meeting").context["entries"]
    assert entries and {e.kind for e in entries} == {"meeting"}
    entries = _get(client, facilitator, person="redaktør").context["entries"]
    assert entries and {e.who for e in entries} == {world.editor_a}
    entries = _get(client, facilitator, person="ada@example").context["entries"]
    assert entries and {e.who for e in entries} == {world.editor_a}
    entries = _get(client, facilitator, action="created").context["entries"]
    assert entries and {e.action_code for e in entries} == {"+"}
    # move the milestone's change into last year: a date range finds it alone
    old = timezone.now() - timedelta(days=400)
    Milestone.history.filter(title_en="Test plan A", history_type="~").update(history_date=old)
    day = timezone.localtime(old).date()
    entries = _get(client, facilitator, date_from=day.isoformat(), date_to=day.isoformat()).context["entries"]
    assert [(e.kind, e.action_code) for e in entries] == [("milestone", "~")]
    entries = _get(client, facilitator, date_from=(day + timedelta(days=1)).isoformat(), kind="milestone",
                   action="changed").context["entries"]
    assert entries == []
    response = _get(client, facilitator, date_from="2024-05-01", date_to="2024-04-01")
    assert "date_to" in response.context["form"].errors


def test_filtered_list_is_bookmarkable_and_answers_htmx_with_the_results_only(client, world):
    client.force_login(world.a.users["facilitator"])
    response = client.get(URL, {"kind": "milestone"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<div id="results"' in html and "<h1" not in html
    assert f"{EXPORT}?kind=milestone" in html


def _csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_contains_what_the_page_shows(client, world):
    facilitator = world.a.users["facilitator"]
    for params in ({}, {"kind": "role"}, {"person": "Ada", "action": "changed"}):
        page = _get(client, facilitator, **params)
        rows = _csv_rows(_get(client, facilitator, EXPORT, **params))
        assert rows[0] == ["When", "Who", "Programme", "Kind of record", "What", "Action", "Changes"]
        shown = [[timezone.localtime(e.when).strftime("%d.%m.%Y %H:%M"), str(e.who) if e.who else "The system",
                  e.programme, e.kind_label, e.subject, e.action, e.changes_text()]
                 for e in page.context["entries"]]
        assert rows[1:] == shown, params
    rows = _csv_rows(_get(client, facilitator, EXPORT, kind="milestone", action="changed"))
    assert "Status: Planned → Done" in rows[1][6]


def test_export_streams_every_page_and_never_writes_formulas(client, world, monkeypatch):
    import audit.views

    monkeypatch.setattr(audit.views, "PER_PAGE", 3)
    facilitator = world.a.users["facilitator"]
    _change(world.a.programme, world.editor_a, name_en="=HYPERLINK(\"x\")")
    total = _get(client, facilitator).context["page"].paginator.count
    assert total > 3
    rows = _csv_rows(_get(client, facilitator, EXPORT))
    assert len(rows) == total + 1
    assert all(not cell.startswith("=") for row in rows for cell in row)


def test_others_may_not_read_the_audit(client, world):
    for role in ("advisor", "staff", "politician", "observer"):
        assert _get(client, world.a.users[role]).status_code == 403
        assert _get(client, world.a.users[role], EXPORT).status_code == 403


def test_nav_links_the_audit_for_those_allowed(client, world):
    assert f'href="{URL}"' in _get(client, world.a.users["facilitator"], reverse("home")).content.decode()
    assert f'href="{URL}"' not in _get(client, world.a.users["staff"], reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["facilitator", "admin"])
def test_queries_do_not_grow_with_the_history(client, world, who, django_assert_max_num_queries):
    user = world.admin if who == "admin" else world.a.users["facilitator"]
    client.force_login(user)
    client.get(URL)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL)
    small = len(response.context["entries"])
    for i in range(8):
        _changes_everywhere(world.a, world.editor_a, f"A{i}")
        _changes_everywhere(world.b, world.editor_b, f"B{i}")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL)
    assert len(response.context["entries"]) > small
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(URL, {"page": 2})


MAX_QUERIES = 34  # 7 kinds × 2 (records, previous versions) + 6 name lookups + the count and the page + session
