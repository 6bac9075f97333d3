"""load_demo (issue 18): a second cohort running now beside the finished historical programme, so that every demo
login finds work waiting on its home page; loading again (the same day or later) moves and adds nothing."""

import re
from datetime import date, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from municipalities.models import ProgressEntry, StageGateOutput
from notifications.models import ReminderRule
from programmes.demo import SLUG, demo_email, load_demo
from programmes.demo_running import NAME_DA, NAME_EN, meeting_days, working_day
from programmes.demo_running import SLUG as RUNNING
from programmes.models import Milestone, Participation, Programme
from workshops.models import Meeting

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
NOT_DEMO = {"sessions", "admin", "contenttypes", "auth", "django_celery_beat", "django_celery_results"}


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model._meta.app_label not in NOT_DEMO}


def section(html: str, key: str) -> str:
    """The HTML of one section of the home page (they are <section data-section="key">)."""
    match = re.search(rf'<section[^>]*data-section="{key}"[^>]*>(.*?)</section>', html, flags=re.S)
    assert match, f"no section {key!r} on the home page"
    return match.group(1)


@pytest.fixture
def demo():
    return load_demo()


def home_of(client, local: str, language: str = "en") -> str:
    client.force_login(User.objects.get(email=demo_email(local)))
    client.cookies["django_language"] = language
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_running_programme_is_dated_from_today_with_six_other_municipalities(demo):
    running = demo["running"]
    today = timezone.localdate()
    assert (running.name_da, running.name_en) == (NAME_DA, NAME_EN)
    assert running.status == Programme.Status.ACTIVE and running.is_demo
    assert running.starts_on < today - timedelta(days=90) and running.ends_on > today + timedelta(days=365)
    codes = set(Participation.objects.filter(cohort__programme=running).values_list("municipality__code", flat=True))
    historical = set(Participation.objects.filter(cohort__programme__slug=SLUG).values_list("municipality__code",
                                                                                           flat=True))
    assert len(codes) == 6 and not codes & historical
    partners = set(running.organisation_links.filter(part="partner").values_list("organisation__name", flat=True))
    assert partners == {"BLOXHUB", "Ellen MacArthur Foundation", "C40"}
    # the believable mix: on track, at risk, blocked; a gate output waiting and one sent back; photos
    latest = {e.participation_id: e.status for e in ProgressEntry.objects.filter(
        participation__cohort__programme=running).order_by("happened_on")}
    assert {"on_track", "at_risk", "blocked"} <= set(latest.values())
    outputs = StageGateOutput.objects.filter(participation__cohort__programme=running)
    assert outputs.filter(state="submitted").exists() and outputs.filter(state="returned").exists()
    assert ProgressEntry.objects.filter(participation__cohort__programme=running, photos__isnull=False).exists()
    milestones = Milestone.objects.filter(programme=running, status__in=["planned", "in_progress"])
    assert milestones.filter(due_on__lt=today).exists()  # overdue
    assert milestones.filter(due_on__gte=today, due_on__lte=today + timedelta(days=7)).count() >= 2
    kinds = set(Meeting.objects.filter(programme=running, starts_at__gt=timezone.now()).values_list("kind", flat=True))
    assert {"sparring", "follow_group", "local_test"} <= kinds
    assert all(m.starts_at.astimezone(CPH).weekday() < 5 for m in Meeting.objects.filter(programme=running))


def test_the_historical_programme_is_finished_and_floods_no_list(demo):
    historical = demo["programme"]
    assert historical.status == Programme.Status.COMPLETED
    assert not Milestone.objects.filter(programme=historical, status__in=["planned", "in_progress"]).exists()
    assert not StageGateOutput.objects.filter(participation__cohort__programme=historical, state="submitted").exists()
    assert not ProgressEntry.objects.filter(participation__cohort__programme=historical, review="pending").exists()


@pytest.mark.parametrize("language", ["en", "da"])
def test_every_demo_login_finds_work_of_the_running_programme_at_home(client, demo, language):
    name = NAME_EN if language == "en" else NAME_DA
    running = demo["running"]

    html = home_of(client, "facilitator", language)
    assert name in section(html, "review")  # Odense's insights wait for review
    milestones = section(html, "milestones")
    assert "Esbjerg" in milestones and name in milestones
    assert "Esbjerg" in section(html, "stalled")

    html = home_of(client, "staff", language)
    assert "Køge" in section(html, "milestones")
    assert reverse("programmes:milestones", args=[RUNNING]) in section(html, "milestones")
    meetings = section(html, "meetings")
    assert "Rådgivningsmøde: møbelbanken i Køge" in meetings or "Advisory meeting: the furniture bank" in meetings

    html = home_of(client, "advisor", language)
    sessions = section(html, "sessions")
    assert "Køge" in sessions and meeting_days(running.starts_on + timedelta(days=150))["advisory"].strftime(
        "%d.%m.%Y") in sessions
    assert "Esbjerg" in section(html, "advisor")  # the stalled municipality, first in the list
    assert name in section(html, "publications")

    html = home_of(client, "politician", language)
    glance = section(html, "politician")
    assert name in glance and "Beslutning: fælles krav om genbrug i kommunernes udbud" in glance

    html = home_of(client, "observer", language)
    observer = section(html, "observer")
    assert reverse("reports:funder", args=[RUNNING]) in observer and name in observer

    html = home_of(client, "admin", language)
    assert name in section(html, "review")


def test_the_funder_report_the_observer_is_pointed_to_opens(client, demo):
    client.force_login(User.objects.get(email=demo_email("observer")))
    assert client.get(reverse("reports:funder", args=[RUNNING])).status_code == 200


def test_reminder_plan_of_the_running_programme_is_the_default_one_at_the_hour_it_was_loaded(demo):
    from notifications.models import DEFAULT_RULES

    rules = ReminderRule.objects.filter(programme=demo["running"])
    assert sorted((r.kind, r.offset_days) for r in rules) == sorted(DEFAULT_RULES)
    hour = timezone.localtime().hour
    assert {r.send_time.hour for r in rules} <= {hour, (hour - 1) % 24}  # (the load may cross an hour)
    assert not ReminderRule.objects.filter(programme=demo["programme"]).exclude(send_time__hour=9).exists()


def test_meetings_fall_on_working_days_and_one_has_a_reminder_on_the_day_loaded():
    for offset in range(7):  # a week of anchor days, Monday 07.12.2026 onwards
        day = date(2026, 12, 7) + timedelta(days=offset)
        days = meeting_days(day)
        assert all(d.weekday() < 5 for d in days.values())
        due_today = [(days["advisory"] - day).days == 1, (days["sparring"] - day).days in (7, 3)]
        assert any(due_today), day
    assert working_day(date(2026, 12, 5)) == date(2026, 12, 7)


def test_loading_again_the_same_day_changes_nothing(demo):
    before = row_counts()
    load_demo()
    assert row_counts() == before


def test_loading_on_a_later_day_moves_and_adds_nothing(demo):
    running = demo["running"]
    dates = sorted(Milestone.objects.filter(programme=running).values_list("pk", "due_on"))
    meetings = sorted(Meeting.objects.filter(programme=running).values_list("pk", "starts_at"))
    before = row_counts()
    today = timezone.localdate()
    later = timezone.now() + timedelta(days=9, hours=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert timezone.localdate() > today
        load_demo()
    assert row_counts() == before
    running.refresh_from_db()
    assert running.starts_on == demo["running"].starts_on
    assert sorted(Milestone.objects.filter(programme=running).values_list("pk", "due_on")) == dates
    assert sorted(Meeting.objects.filter(programme=running).values_list("pk", "starts_at")) == meetings


def test_reset_loads_the_running_programme_afresh(demo):
    from django.core.management import call_command

    Milestone.objects.filter(programme=demo["running"]).delete()
    call_command("load_demo", "--reset", "--quiet-logins")
    running = Programme.objects.get(slug=RUNNING)
    assert running.pk != demo["running"].pk
    assert Milestone.objects.filter(programme=running).count() > 20


def test_demo_dates_do_not_depend_on_the_clock_once_loaded(demo):
    """The anchor is read back from the stored programme: a day later the same rows are found."""
    from programmes.demo_running import anchor_of

    assert anchor_of(demo["running"]) == timezone.localdate()
