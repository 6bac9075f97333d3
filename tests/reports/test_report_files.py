"""Report files built by the worker and served as stored files (reports/files.py, reports/file_views.py).

Two programmes share a municipality (build_world); a write in one programme makes a new file there and nowhere
else; a ready file is served with its key as ETag (304 when the reader has it) and gzipped when the reader
takes it; a failed build says so and can be tried again; an earlier file goes once a newer one is built."""

import gzip
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from municipalities.models import ProgressEntry
from reports.files import STUCK_AFTER, ReportRequest, build_report_file
from reports.models import ReportFile
from reports.versions import current_version
from tests.factories import build_world, facilitator_of
from tests.municipalities.factories_local import ProgressEntryFactory
from tests.reports.downloads import build_waiting_reports, fetch_report
from workshops.models import MeetingInvitation

pytestmark = pytest.mark.django_db


def _funder_csv(world):
    return reverse("reports:funder-csv", args=[world.a.programme.slug])


def test_a_write_in_one_programme_changes_its_version_and_not_the_other_programmes():
    world = build_world()
    a, b = world.a.programme.pk, world.b.programme.pk
    before = current_version(a), current_version(b)
    # the municipality both programmes enrol: an entry in programme A's local test
    ProgressEntryFactory(participation=world.a.shared_participation, what_happened="I A's lokale test")
    assert current_version(a) > before[0]
    assert current_version(b) == before[1]


def test_what_no_report_shows_and_a_rolled_back_write_change_nothing():
    world = build_world()
    programme = world.a.programme
    ProgressEntryFactory(participation=world.a.participation)
    version = current_version(programme.pk)
    from tests.workshops.factories import MeetingFactory

    meeting = MeetingFactory(programme=programme)
    version = current_version(programme.pk)
    MeetingInvitation.objects.create(meeting=meeting, user=world.a.users["politician"])  # an RSVP-to-be
    assert current_version(programme.pk) == version
    try:
        with transaction.atomic():
            ProgressEntryFactory(participation=world.a.participation)
            raise RuntimeError("the request failed")
    except RuntimeError:
        pass
    assert current_version(programme.pk) == version


def test_the_first_ask_is_being_prepared_then_the_file_with_etag_and_gzip(client):
    world = build_world()
    client.force_login(world.a.users["facilitator"])
    client.cookies["django_language"] = "da"
    url = _funder_csv(world)
    first = client.get(url)
    assert first.status_code == 202
    page = first.content.decode()
    assert "Forberedes" in page and 'hx-get="%s"' % url in page
    # the poll (htmx) while it is being prepared: only the status part, polling on
    poll = client.get(url, HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and "<html" not in poll.content.decode() and "every 2s" in poll.content.decode()
    assert build_waiting_reports() == 1
    # the poll once it is ready: the page is told to fetch the file
    ready = client.get(url, HTTP_HX_REQUEST="true")
    assert "Filen er klar." in ready.content.decode()
    assert url in ready["HX-Trigger"] and "report-ready" in ready["HX-Trigger"]

    plain = fetch_report(client, url)
    assert plain["Content-Type"].startswith("text/csv") and "Content-Encoding" not in plain
    text = plain.content.decode("utf-8-sig")
    assert "By a1" in text and "By b1" not in text  # programme A's municipalities only
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(b"".join(zipped.streaming_content)) == plain.content
    again = client.get(url, HTTP_IF_NONE_MATCH=zipped["ETag"])
    assert again.status_code == 304 and again["ETag"] == zipped["ETag"]


def test_a_write_makes_the_next_file_new_and_the_earlier_one_goes(client):
    world = build_world()
    client.force_login(world.a.users["facilitator"])
    url = reverse("reports:funder-csv", args=[world.a.programme.slug])
    first = fetch_report(client, url)
    old = ReportFile.objects.get(programme=world.a.programme, kind=ReportFile.Kind.FUNDER_CSV)
    old_path = old.file.path
    ProgressEntryFactory(participation=world.a.participation, happened_on=timezone.localdate())
    assert client.get(url).status_code == 202  # a new file is being prepared; the old one is not served
    second = fetch_report(client, url)
    assert second["ETag"] != first["ETag"] and second.content != first.content
    assert list(ReportFile.objects.filter(programme=world.a.programme).values_list("pk", flat=True)) != [old.pk]
    assert not ReportFile.objects.filter(pk=old.pk).exists()
    import os

    assert not os.path.exists(old_path)


def test_a_briefing_file_is_made_for_its_reader_and_never_served_to_another(client):
    """A briefing shows what its reader may see: the politician's file is not the staff member's, and a
    facilitator of programme B cannot reach programme A's file even when it is ready."""
    from tests.workshops.factories import MeetingFactory
    from workshops.models import Meeting

    world = build_world()
    meeting = MeetingFactory(programme=world.a.programme, kind=Meeting.Kind.FOLLOW_GROUP)
    MeetingInvitation.objects.create(meeting=meeting, user=world.a.users["staff"])
    url = reverse("reports:briefing-pdf", args=[meeting.pk])
    client.force_login(world.a.users["politician"])
    fetch_report(client, url)
    client.force_login(world.a.users["staff"])
    assert client.get(url).status_code == 202  # not the politician's file: one of their own
    assert ReportFile.objects.filter(meeting=meeting).values("audience").distinct().count() == 2
    client.force_login(world.b.users["facilitator"])
    assert client.get(url).status_code == 404
    client.force_login(world.b.users["politician"])
    assert client.get(url).status_code == 404


def test_a_failed_build_says_so_and_can_be_tried_again(client, monkeypatch):
    world = build_world()
    client.force_login(world.a.users["observer"])
    client.cookies["django_language"] = "da"
    url = reverse("reports:funder-xlsx", args=[world.a.programme.slug])
    assert client.get(url).status_code == 202
    report = ReportFile.objects.get(kind=ReportFile.Kind.FUNDER_XLSX)

    def broken(report):
        raise ValueError("the disk is full")

    monkeypatch.setitem(__import__("reports.files", fromlist=["BUILDERS"]).BUILDERS, ReportFile.Kind.FUNDER_XLSX,
                        broken)
    assert build_report_file(report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == ReportFile.Status.FAILED and not report.file and "disk is full" in report.error
    page = client.get(url).content.decode()
    assert "Filen kunne ikke laves." in page and "retry=1" in page and "hx-get" not in page
    monkeypatch.undo()
    assert client.get(url + "?retry=1").status_code == 202
    report.refresh_from_db()
    assert report.status == ReportFile.Status.PENDING
    assert fetch_report(client, url).status_code == 200


def test_a_lost_build_is_asked_for_again(client, django_capture_on_commit_callbacks):
    world = build_world()
    facilitator = world.a.users["facilitator"]
    client.force_login(facilitator)
    url = reverse("reports:funder-pdf", args=[world.a.programme.slug])
    def builds_asked():
        with django_capture_on_commit_callbacks() as callbacks:
            assert client.get(url).status_code == 202
        return [c for c in callbacks if "report_file_for" in c.__qualname__]

    assert len(builds_asked()) == 1
    assert builds_asked() == []  # being built: not asked twice
    ReportFile.objects.update(requested_at=timezone.now() - STUCK_AFTER - timedelta(seconds=1))
    assert len(builds_asked()) == 1


def test_the_key_follows_language_reader_and_day(monkeypatch):
    world = build_world()
    facilitator, politician = world.a.users["facilitator"], world.a.users["politician"]
    kind = ReportFile.Kind

    def key(kind_, user, language="da", programme=world.a.programme):
        from django.utils import translation

        with translation.override(language):
            return ReportRequest.make(kind_, programme=programme, user=user).key()

    assert key(kind.FUNDER_PDF, facilitator) == key(kind.FUNDER_PDF, politician)  # the same for every reader
    assert key(kind.FUNDER_PDF, facilitator) != key(kind.FUNDER_PDF, facilitator, "en")
    assert key(kind.OPEN_DATA_JSON, facilitator) == key(kind.OPEN_DATA_JSON, facilitator, "en")  # codes only
    assert key(kind.BRIEFING_PDF, facilitator) != key(kind.BRIEFING_PDF, politician)
    today = key(kind.FUNDER_PDF, facilitator)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr("reports.files.timezone.localdate", lambda: tomorrow)
    assert key(kind.FUNDER_PDF, facilitator) != today  # "as of today": a new day, a new file
    monkeypatch.undo()
    other = facilitator_of(world.b.programme)
    assert key(kind.FUNDER_PDF, facilitator) != key(kind.FUNDER_PDF, other, programme=world.b.programme)


def test_report_file_admin_opens(admin_client):
    world = build_world()
    client_url = reverse("reports:open-data-json", args=[world.a.programme.slug])
    fetch_report(admin_client, client_url)
    for name in ("admin:reports_reportfile_changelist", "admin:reports_programmedataversion_changelist"):
        assert admin_client.get(reverse(name)).status_code == 200
    report = ReportFile.objects.get()
    assert admin_client.get(reverse("admin:reports_reportfile_change", args=[report.pk])).status_code == 200
    assert ProgressEntry  # noqa: B018  (imported for the factories' models)
