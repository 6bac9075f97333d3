"""In a real browser: a facilitator schedules a sparring session for a cohort, invitees answer (on the page
and from the e-mail), the organiser records attendance and publishes minutes; a politician reads the
follow-group minutes and cannot edit anything. Every meeting page is checked with axe-core.

Selectors use ids, names and URLs rather than visible text, so the test holds in Danish and English."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from programmes.demo import DEMO_PASSWORD, demo_email, load_demo
from tests.browser import ARTIFACTS
from tests.workshops.test_ics import strict_parse
from workshops.models import Meeting, MeetingInvitation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _accept_dialogs(page):
    page.page.on("dialog", lambda dialog: dialog.accept())


def test_sparring_session_from_scheduling_to_published_minutes(browser_page, _browser):
    programme = load_demo()["programme"]  # with the 2021–2024 meeting calendar (workshops.demo)
    mail.outbox.clear()  # (what loading sent: the running demo cohort's meeting invitations and notices)
    page = browser_page
    _accept_dialogs(page)
    slug = programme.slug

    # The facilitator finds the calendar from the navigation.
    page.login(demo_email("facilitator"), DEMO_PASSWORD)
    page.locator("nav.main-nav a[href='/meetings/']").click()
    page.wait_for_load_state()
    page.check_accessibility("my meetings (facilitator)")
    page.locator(f"a[href='/meetings/programmes/{slug}/calendar/']").first.click()
    page.wait_for_load_state()
    assert page.locator("#calendar-grid table.calendar-month").is_visible()
    page.check_accessibility("calendar month")
    page.screenshot("meetings-calendar-month")
    # The month links swap the grid with htmx (and keep working without it: they are real links).
    title = page.locator("#month-title").inner_text()
    page.locator("#calendar-grid a[rel=next]").click()
    expect(page.locator("#month-title")).not_to_have_text(title)  # (no wait_for_function: CSP forbids eval)
    assert "month=" in page.page.url
    page.goto(f"/meetings/programmes/{slug}/calendar/?month=2022-10")
    assert page.locator(".day-meetings li").count() >= 6
    page.screenshot("meetings-calendar-october-2022")
    page.goto(f"/meetings/programmes/{slug}/")
    page.check_accessibility("meeting list")
    page.screenshot("meetings-list")

    # Schedule a sparring session for the cohort; a first try with the end before the start is refused.
    page.goto(f"/meetings/programmes/{slug}/new/")
    page.check_accessibility("schedule form")
    starts = (timezone.localtime() + timedelta(days=10)).replace(hour=13, minute=0, second=0, microsecond=0)
    cohort = programme.cohorts.get()
    page.select_option("#id_kind", "sparring")
    page.select_option("#id_audience", f"cohort-{cohort.pk}")
    page.fill("#id_title_da", "Sparring 10: Erfaringer med skalering")
    page.fill("#id_title_en", "Sparring 10: Lessons from scaling")
    page.fill("#id_starts_at", _local(starts))
    page.fill("#id_ends_at", _local(starts - timedelta(hours=1)))
    page.fill("#id_place", "BLOXHUB, Bryghusgade 8, 1473 København K")
    page.fill("#id_capacity", "20")
    page.fill("#id_agenda-0-title", "Runde: status fra kommunerne")
    page.fill("#id_agenda-0-duration_minutes", "45")
    page.locator("form.meeting-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_ends_at_error").is_visible()
    assert not Meeting.objects.filter(title_da__startswith="Sparring 10").exists()
    page.check_accessibility("schedule form with an error")
    page.screenshot("meetings-form-error")
    page.fill("#id_ends_at", _local(starts + timedelta(hours=3)))
    page.locator("form.meeting-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/invite/$"))
    meeting = Meeting.objects.get(title_da__startswith="Sparring 10")
    assert meeting.cohort == cohort and meeting.starts_at == starts

    # Invite the whole cohort.
    page.check_accessibility("invite form")
    page.locator(f"input[name=cohorts][value='{cohort.pk}']").check()
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_load_state()
    invited = MeetingInvitation.objects.filter(meeting=meeting).count()
    assert invited >= 12 and len(mail.outbox) == invited
    page.screenshot("meetings-invite")
    page.goto(f"/meetings/{meeting.pk}/")
    page.check_accessibility("meeting page (organiser)")
    page.screenshot("meetings-detail-organiser")
    page.logout()

    # An invitee answers yes on "my meetings" (htmx swaps the answer box).
    page.login(demo_email("staff"), DEMO_PASSWORD)
    page.goto("/meetings/")
    box = page.locator(f"#answer-{meeting.pk}")
    box.locator("button[value=yes]").click()
    expect(box.locator("button[value=yes]")).to_have_attribute("aria-pressed", "true")
    assert MeetingInvitation.objects.get(meeting=meeting, user__email=demo_email("staff")).response == "yes"
    page.check_accessibility("my meetings (invitee)")
    page.screenshot("meetings-mine-invitee")
    page.goto(f"/meetings/{meeting.pk}/")
    page.check_accessibility("meeting page (invitee)")

    # The invitee subscribes in a calendar app: the feed link is shown once and parses strictly.
    page.goto("/meetings/")
    page.locator("#feed-panel form[action$='/feed/new/'] button").click()
    page.locator("#feed-url").wait_for()
    feed_url = page.locator("#feed-url").input_value()
    page.check_accessibility("feed link shown")
    feed = page.page.request.get(feed_url)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert meeting.uid in {str(e["UID"]) for e in strict_parse(feed.body()).walk("VEVENT")}
    page.goto("/meetings/")
    page.locator("#feed-panel form[action$='/feed/revoke/'] button").click()
    page.wait_for_load_state()
    assert page.page.request.get(feed_url).status == 404
    page.goto(f"/meetings/programmes/{slug}/skills/assess/")
    page.check_accessibility("skills self-assessment form")
    page.logout()

    # Another invitee answers maybe from the link in the e-mail, without logging in.
    message = next(m for m in mail.outbox if m.to != [demo_email("staff")])
    link = re.search(r"https?://\S+\?answer=maybe", message.body).group(0)
    other = _browser.new_context(locale="da-DK")
    answer_page = other.new_page()
    answer_page.goto(page.url("/" + link.split("/", 3)[3]))
    assert answer_page.locator("input[name=response][value=maybe]").is_checked()
    answer_page.locator("form.stacked button[type=submit]").click()
    answer_page.wait_for_load_state()
    assert MeetingInvitation.objects.get(meeting=meeting, user__email=message.to[0]).response == "maybe"
    answer_page.screenshot(path=str(ARTIFACTS / "meetings-answer-link.png"), full_page=True)
    other.close()
    page.goto("/" + link.split("/", 3)[3])
    page.check_accessibility("answer link page")

    # The meeting takes place.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=4),
                                                 ends_at=timezone.now() - timedelta(hours=1))

    # The organiser records attendance, writes minutes, a decision and an action, adds a file and publishes.
    page.login(demo_email("facilitator"), DEMO_PASSWORD)
    page.goto(f"/meetings/{meeting.pk}/attendance/")
    page.check_accessibility("attendance form")
    staff_invitation = MeetingInvitation.objects.get(meeting=meeting, user__email=demo_email("staff"))
    assert page.locator(f"input[name=attended][value='{staff_invitation.user_id}']").is_checked()  # said yes
    page.locator("form.attendance-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    assert MeetingInvitation.objects.filter(meeting=meeting, attended=True).count() >= 1

    page.goto(f"/meetings/{meeting.pk}/minutes/")
    page.check_accessibility("minutes page")
    page.fill("#id_minutes", "Kommunerne delte erfaringer med at skalere løsningerne.\n\nNæste skridt aftales.")
    page.locator("form.stacked:has(#id_minutes) button[type=submit]").click()
    page.wait_for_load_state()
    page.fill("#decisions textarea[name=text]", "Løsningsmodellerne beskrives i én fælles skabelon.")
    page.locator("#decisions form.stacked button[type=submit]").click()
    page.locator("#decisions ol li").first.wait_for()
    page.fill("#actions input[name=text]", "Send skabelonen til kommunerne")
    page.fill("#actions input[name=due_on]", "2024-01-15")
    page.locator("#actions input[name=make_milestone]").check()
    page.locator("#actions form.stacked button[type=submit]").click()
    page.locator("#actions .action-row").first.wait_for()
    page.check_accessibility("minutes page with a decision and an action")
    page.screenshot("meetings-minutes")
    assert meeting.action_items.get().milestone is not None

    page.goto(f"/meetings/{meeting.pk}/materials/add/")
    page.check_accessibility("material form")
    page.locator("#id_file").set_input_files({"name": "program.pdf", "mimeType": "application/pdf",
                                               "buffer": b"%PDF-1.4\n%%EOF\n"})
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/meetings/{meeting.pk}/#materials$"))

    page.goto(f"/meetings/{meeting.pk}/minutes/")
    page.locator(f"form[action='/meetings/{meeting.pk}/minutes/publish/'] button").click()
    page.wait_for_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is not None
    assert page.locator("#minutes").is_visible()
    page.check_accessibility("meeting page with published minutes")
    page.screenshot("meetings-detail-minutes")
    page.goto(f"/meetings/{meeting.pk}/edit/")
    page.check_accessibility("edit form")
    page.goto(f"/meetings/programmes/{slug}/skills/")
    page.check_accessibility("skills chart")
    page.screenshot("meetings-skills")
    page.logout()

    # A politician reads the follow-group's minutes and can edit nothing.
    follow_group = Meeting.objects.filter(programme=programme, kind=Meeting.Kind.FOLLOW_GROUP,
                                          minutes_published_at__isnull=False).order_by("-starts_at").first()
    page.login(demo_email("politician"), DEMO_PASSWORD)
    page.goto(f"/meetings/{follow_group.pk}/")
    assert page.locator("#minutes").is_visible()
    assert follow_group.minutes.splitlines()[-1] in page.locator("#minutes").inner_text()
    for forbidden in ("/edit/", "/minutes/", "/attendance/", "/invite/", "/cancel/", "/materials/add/"):
        assert page.locator(f"main a[href*='{forbidden}'], main form[action*='{forbidden}']").count() == 0
    page.check_accessibility("follow-group minutes (politician)")
    page.screenshot("meetings-follow-group-politician")
    assert page.goto(f"/meetings/{follow_group.pk}/minutes/").status == 403
    assert page.goto(f"/meetings/{follow_group.pk}/edit/").status == 403
    assert page.goto(f"/meetings/{meeting.pk}/").status == 200  # the cohort's sparring is open to them to read
    assert page.locator("main form[action*='/minutes/']").count() == 0
