"""The briefing, its PDF, the funder report page and the open data are kept until the data changes
(circular_cities/datacache.py, reports/cache.py): nobody gets a copy made for somebody who sees more, a write
shows on the next request, and a warm request reads a fixed, small number of rows whatever the data."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from circular_cities.datacache import data_changed
from municipalities.models import ProgressEntry
from municipalities.services import progress_entry_publish
from reports import cache as report_cache
from reports.pdf import pdf_text
from tests.factories import MunicipalityFactory, ParticipationFactory, facilitator_of, observer_of, staff_of
from tests.municipalities.factories_local import ProgressEntryFactory
from tests.reports.test_briefing import (
    _entry,
    _flat,
    _grow,
    scene,  # noqa: F401 - the briefing's fixture
)
from tests.reports.test_funder import build_programme
from workshops.models import MeetingInvitation
from workshops.services import meeting_invite

pytestmark = pytest.mark.django_db

PREVIOUS_DECISION = "The municipalities share their test designs before the summer."


@pytest.fixture(autouse=True)
def _fresh_process_copies():
    report_cache.clear_local()
    _CLIENTS.clear()
    yield
    report_cache.clear_local()
    _CLIENTS.clear()


def _get(client, user, url):
    """``user``'s answer; ``client`` is only for the signature of the fetchers below (each user has their own
    client, logged in once: logging in saves the user, a change of the data that makes every kept part stale)."""
    response = _client(user).get(url)
    assert response.status_code == 200, url
    return response


_CLIENTS: dict = {}


def _client(user):
    from django.test import Client

    if user.pk not in _CLIENTS:
        _CLIENTS[user.pk] = Client()
        _CLIENTS[user.pk].force_login(user)
    return _CLIENTS[user.pk]


def _log_in(*users):
    for user in users:
        _client(user)


def _briefing(client, user, meeting) -> str:
    return _get(client, user, reverse("reports:briefing", args=[meeting.pk])).content.decode()


def _briefing_pdf(client, user, meeting) -> str:
    return _flat(pdf_text(_get(client, user, reverse("reports:briefing-pdf", args=[meeting.pk])).content))


def _warm_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- The briefing and its PDF ----------------------------------------------------------------------------------

@pytest.mark.usefixtures("keep_page_parts")
@pytest.mark.parametrize("fetch", [_briefing, _briefing_pdf])
def test_staff_never_get_the_briefing_a_facilitator_filled(client, scene, fetch):  # noqa: F811
    staff = staff_of(scene["aarhus"].municipality)
    MeetingInvitation.objects.create(meeting=scene["meeting"], user=staff)
    _log_in(staff, scene["facilitator"], scene["politician"])
    assert "Vejleby" in fetch(client, scene["facilitator"], scene["meeting"])
    own = fetch(client, staff, scene["meeting"])
    assert "Aarhusby" in own
    assert "Vejleby" not in own and "political backing" not in own
    # and the other way round: the whole programme after the staff member's copy
    assert "Vejleby" in fetch(client, scene["politician"], scene["meeting"])


@pytest.mark.usefixtures("keep_page_parts")
@pytest.mark.parametrize("fetch", [_briefing, _briefing_pdf])
def test_previous_decisions_only_for_who_sees_the_previous_meeting(client, scene, fetch):  # noqa: F811
    """Observers see a follow-group meeting only when invited: one invited to this meeting but not the previous
    one does not read its decisions, although a politician's copy (which has them) was made first; another
    observer, invited to both, does."""
    not_before = observer_of(scene["programme"])
    both = observer_of(scene["programme"])
    meeting_invite(meeting=scene["meeting"], by=scene["facilitator"], people=[not_before, both])
    meeting_invite(meeting=scene["previous"], by=scene["facilitator"], people=[both])
    _log_in(scene["politician"], not_before, both)
    assert PREVIOUS_DECISION in _flat(fetch(client, scene["politician"], scene["meeting"]))
    assert PREVIOUS_DECISION in _flat(fetch(client, both, scene["meeting"]))
    assert PREVIOUS_DECISION not in _flat(fetch(client, not_before, scene["meeting"]))


@pytest.mark.usefixtures("keep_page_parts")
@pytest.mark.parametrize("fetch", [_briefing, _briefing_pdf])
def test_a_published_entry_shows_in_the_kept_briefing(client, scene, fetch):  # noqa: F811
    _log_in(scene["politician"])
    assert "Sorting bins arrived" not in fetch(client, scene["politician"], scene["meeting"])
    draft = _entry(scene["vejle"], -1, "Sorting bins arrived at the town hall.", state=ProgressEntry.State.DRAFT,
                   published_at=None)
    assert "Sorting bins arrived" not in fetch(client, scene["politician"], scene["meeting"])
    progress_entry_publish(entry=draft, by=scene["facilitator"])
    assert "Sorting bins arrived" in fetch(client, scene["politician"], scene["meeting"])


@pytest.mark.usefixtures("keep_page_parts")
def test_a_hidden_meeting_is_404_although_its_briefing_is_kept(client, scene):  # noqa: F811
    outsider = staff_of(scene["aarhus"].municipality)  # not invited
    _log_in(scene["politician"], outsider)
    _briefing(client, scene["politician"], scene["meeting"])
    _briefing_pdf(client, scene["politician"], scene["meeting"])
    assert _client(outsider).get(reverse("reports:briefing", args=[scene["meeting"].pk])).status_code == 404
    assert _client(outsider).get(reverse("reports:briefing-pdf", args=[scene["meeting"].pk])).status_code == 404


@pytest.mark.usefixtures("keep_page_parts")
def test_a_warm_briefing_reads_no_more_rows_with_more_data(client, scene):  # noqa: F811
    client.force_login(scene["politician"])
    urls = [reverse(name, args=[scene["meeting"].pk]) for name in ("reports:briefing", "reports:briefing-pdf")]
    client.get(urls[0])  # the session's first request does more
    small = [_warm_queries(client, url) for url in urls]
    _grow(scene, 12)
    assert [_warm_queries(client, url) for url in urls] == small
    assert max(small) <= 2, small  # at most the session and the user


# --- The funder report page ------------------------------------------------------------------------------------

@pytest.mark.usefixtures("keep_page_parts")
def test_the_funder_page_navigation_is_each_readers_own(client):
    """The report's body is the same for every reader; the programme's navigation above it is not: an observer
    never gets the facilitator's links (history, reminders), and the other way round."""
    programme = build_programme()
    facilitator, observer = facilitator_of(programme), observer_of(programme)
    staff = staff_of(programme.cohorts.first().participations.first().municipality)
    other = facilitator_of(build_programme(tag="other"))
    _log_in(facilitator, observer, staff, other)
    url = reverse("reports:funder", args=[programme.slug])
    history = reverse("programmes:history", args=[programme.slug])
    assert history in _get(client, facilitator, url).content.decode()
    assert history not in _get(client, observer, url).content.decode()
    assert history in _get(client, facilitator, url).content.decode()
    assert _client(staff).get(url).status_code == 403
    assert _client(other).get(url).status_code == 404


@pytest.mark.usefixtures("keep_page_parts")
def test_the_funder_page_follows_a_published_entry(client):
    programme = build_programme()
    facilitator = facilitator_of(programme)
    _log_in(facilitator)
    url = reverse("reports:funder", args=[programme.slug])

    def published_figure() -> str:
        html = _get(client, facilitator, url).content.decode()
        return html.split('data-key="entries"', 1)[1][:200]

    before = published_figure()
    assert published_figure() == before
    participation = programme.cohorts.first().participations.order_by("pk").first()
    entry = ProgressEntryFactory(participation=participation, state=ProgressEntry.State.DRAFT,
                                 happened_on=timezone.localdate())
    progress_entry_publish(entry=entry, by=facilitator)
    assert published_figure() != before


@pytest.mark.usefixtures("keep_page_parts")
def test_a_warm_funder_page_reads_no_more_rows_with_more_data(client):
    small, big = build_programme(), build_programme(extra=12, tag="B")
    facilitator = facilitator_of(small)
    facilitator_of(big, user=facilitator)
    client.force_login(facilitator)
    client.get(reverse("reports:funder", args=[small.slug]))  # the session's first request does more
    counts = [_warm_queries(client, reverse("reports:funder", args=[p.slug])) for p in (small, big)]
    assert counts[0] == counts[1] and counts[0] <= 2, counts


# --- Open data -------------------------------------------------------------------------------------------------

@pytest.mark.usefixtures("keep_page_parts")
def test_kept_open_data_follows_a_published_entry_and_reads_no_rows(client):
    programme = build_programme()
    urls = [reverse(name, args=[programme.slug]) for name in ("reports:open-data-json", "reports:open-data-csv")]
    before = [client.get(url).content for url in urls]
    for url in urls:
        assert _warm_queries(client, url) == 0  # anonymous, warm: not one row
    participation = programme.cohorts.first().participations.order_by("pk").first()
    entry = ProgressEntryFactory(participation=participation, state=ProgressEntry.State.DRAFT,
                                 happened_on=timezone.localdate(), what_happened="Kept or not, it shows")
    assert [client.get(url).content for url in urls] == before  # a draft is not open data
    progress_entry_publish(entry=entry, by=facilitator_of(programme))
    after = [client.get(url).content for url in urls]
    assert any(e["what_happened"] == "Kept or not, it shows" for e in json.loads(after[0])["progress_entries"])
    assert b"Kept or not, it shows" in after[1]


@pytest.mark.usefixtures("keep_page_parts")
def test_a_new_municipality_is_open_data_at_once(client):
    """Enrolling through a write that sends a signal makes the process's copy unreachable too."""
    programme = build_programme()
    url = reverse("reports:open-data-json", args=[programme.slug])
    names = {m["name"] for m in json.loads(client.get(url).content)["municipalities"]}
    ParticipationFactory(cohort=programme.cohorts.first(), municipality=MunicipalityFactory(name="Nyby"))
    assert "Nyby" not in names
    assert "Nyby" in {m["name"] for m in json.loads(client.get(url).content)["municipalities"]}


# --- reports/cache.py ------------------------------------------------------------------------------------------

@pytest.mark.usefixtures("keep_page_parts")
def test_kept_in_the_process_until_the_data_changes():
    built = []

    def build():
        built.append(1)
        return b"x" * 1000

    assert report_cache.kept("test", 1, build=build, local=True) == b"x" * 1000
    assert report_cache.kept("test", 1, build=build, local=True) == b"x" * 1000
    assert len(built) == 1
    report_cache.clear_local()  # another process: the shared copy
    assert report_cache.kept("test", 1, build=build, local=True) == b"x" * 1000
    assert len(built) == 1
    data_changed()
    assert report_cache.kept("test", 1, build=build, local=True) == b"x" * 1000
    assert len(built) == 2


@pytest.mark.usefixtures("keep_page_parts")
def test_the_process_copy_expires_with_the_shared_one():
    from django.core.cache import cache

    report_cache.kept("test", 2, build=lambda: b"y", local=True)
    [(key, (expires, value, _size))] = report_cache._local.items()
    assert cache.get(key) == (expires, value)  # the same moment as the shared copy, not a new time to live
    report_cache._local[key] = (report_cache.time.time() - 1, value, _size)
    assert report_cache._local_get(key) is None


def test_the_process_keeps_at_most_its_budget(monkeypatch, settings):
    settings.DATA_CACHE_SECONDS = 300
    monkeypatch.setattr(report_cache, "LOCAL_BYTES", 4000)
    for n in range(10):
        report_cache.kept("test-budget", n, build=lambda: b"z" * 900, local=True)
    assert sum(entry[2] for entry in report_cache._local.values()) <= 4000
    assert len(report_cache._local) == 4


def test_nothing_is_kept_when_keeping_is_off():
    built = []
    for _ in range(2):
        report_cache.kept("test-off", build=lambda: built.append(1) or b"v", local=True)
    assert len(built) == 2 and not report_cache._local
