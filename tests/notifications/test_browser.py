"""In a real browser: a staff member sees a new reminder in the notification centre, changes a preference,
and the next reminder follows it; a facilitator edits a reminder rule and reads the delivery log."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Delivery, Notification
from notifications.services import run_scan
from tests.factories import DEMO_PASSWORD, MilestoneFactory, build_side
from tests.notifications.factories import cph, failed_delivery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SOON = timezone.localdate() + timedelta(days=40)


def test_staff_sees_a_reminder_changes_a_preference_and_the_next_reminder_follows_it(browser_page):
    side = build_side("a")
    staff = side.users["staff"]
    MilestoneFactory(programme=side.programme, due_on=SOON, owner=staff, title_da="Lokal udfordring beskrevet",
                     title_en="Local challenge described")
    run_scan(now=cph(SOON - timedelta(days=14)))  # the "14 days before" reminder: e-mail and notification
    assert len(mail.outbox) == 1

    page = browser_page
    page.login(staff.email, DEMO_PASSWORD)
    page.switch_language("en")
    counter = page.locator("#notifications-unread-count")
    assert counter.inner_text() == "1"
    page.locator("header a[href='/notifications/']").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Notifications", level=1).is_visible()
    item = page.locator("#notification-list li").first
    assert "Local challenge described" in item.inner_text() and "New" in item.inner_text()  # in her language
    page.check_accessibility("notification centre")
    page.screenshot("notifications-centre")

    page.get_by_role("link", name="Notification settings").click()
    page.wait_for_load_state()
    page.check_accessibility("notification settings")
    page.locator("input[name=milestones][value=daily]").check()
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state()
    assert page.locator("input[name=milestones][value=daily]").is_checked()
    page.screenshot("notifications-settings")

    run_scan(now=cph(SOON - timedelta(days=3)))  # the next reminder follows the new setting: no e-mail now
    assert len(mail.outbox) == 1
    newest = Notification.objects.filter(recipient=staff).latest("created_at")
    assert newest.digest == "daily" and newest.emailed_at is None

    page.goto("/notifications/")
    assert counter.inner_text() == "2"
    assert "in your next digest" in page.locator("#notification-list li").first.inner_text()
    page.locator("#notification-list li").first.get_by_role("button", name="Mark as read").click()
    expect(counter).to_have_text("1")  # the header count follows (htmx out-of-band swap)
    page.check_accessibility("notification centre after marking one read")
    page.screenshot("notifications-centre-after")


def test_facilitator_edits_a_reminder_rule_and_reads_the_delivery_log(browser_page):
    side = build_side("a")
    failed_delivery(side.programme)
    MilestoneFactory(programme=side.programme, due_on=SOON, owner=side.users["staff"])
    run_scan(now=cph(SOON - timedelta(days=3)))
    page = browser_page
    page.login(side.users["facilitator"].email, DEMO_PASSWORD)
    page.switch_language("en")
    page.goto(f"/notifications/programmes/{side.programme.slug}/rules/")
    page.check_accessibility("reminder rules")
    page.screenshot("notifications-rules")
    row = page.locator("tr", has_text="Milestone due today")
    row.get_by_role("link", name="Edit").click()
    page.locator("tr.edit-row input[name=send_time]").fill("08:30")
    page.check_accessibility("reminder rule being edited")
    page.locator("tr.edit-row").get_by_role("button", name="Save").click()
    page.wait_for_selector("tr:not(.edit-row):has-text('Milestone due today') >> text=08:30")

    page.get_by_role("link", name="Delivery log").click()
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() == 2
    assert "Connection unexpectedly closed" in page.locator("main").inner_text()
    page.check_accessibility("delivery log")
    page.screenshot("notifications-delivery-log")
    page.select_option("#id_state", "failed")
    expect(page.locator("#delivery-list tbody tr")).to_have_count(1)
    assert Delivery.objects.filter(state="failed").count() == 1


def test_unsubscribe_page_without_login(browser_page):
    from notifications.emails import unsubscribe_token

    side = build_side("a")
    page = browser_page
    page.goto(f"/notifications/unsubscribe/{unsubscribe_token(side.users['staff'], 'meetings')}/")
    page.check_accessibility("unsubscribe")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.check_accessibility("unsubscribed")
    page.screenshot("notifications-unsubscribed")


def test_delivery_log_flags_reminders_that_may_have_arrived_twice_or_not_at_all(browser_page):
    from tests.factories import UserFactory
    from tests.notifications.factories import delivery_for

    side = build_side("a")
    delivery_for(MilestoneFactory(programme=side.programme, title_da="Sendt én gang", title_en="Sent once"),
                 UserFactory(email="once@example.org"), attempts=1, channel="email")
    delivery_for(MilestoneFactory(programme=side.programme, title_da="Måske to gange", title_en="Maybe twice"),
                 UserFactory(email="twice@example.org"), attempts=2, unknown_outcomes=1, channel="email")
    delivery_for(MilestoneFactory(programme=side.programme, title_da="Afsluttet", title_en="Completed"),
                 UserFactory(email="unknown@example.org"), state=Delivery.State.SKIPPED, skip_reason="closed",
                 attempts=1, unknown_outcomes=1)
    page = browser_page
    page.login(side.users["facilitator"].email, DEMO_PASSWORD)
    page.goto(f"/notifications/programmes/{side.programme.slug}/deliveries/")
    page.switch_language("da")
    expect(page.locator("tr", has_text="twice@example.org")).to_contain_text("Kan være sendt to gange")
    expect(page.locator("tr", has_text="unknown@example.org")).to_contain_text("Er måske ikke nået frem")
    expect(page.locator("tr", has_text="once@example.org")).not_to_contain_text("Kan være")
    page.check_accessibility("delivery log with uncertain deliveries (da)")
    page.screenshot("notifications-delivery-log-uncertain-da")
    page.switch_language("en")
    page.goto(f"/notifications/programmes/{side.programme.slug}/deliveries/")
    expect(page.locator("tr", has_text="twice@example.org")).to_contain_text("May have been sent twice")
    expect(page.locator("tr", has_text="unknown@example.org")).to_contain_text("May not have arrived")
    page.check_accessibility("delivery log with uncertain deliveries (en)")
    page.screenshot("notifications-delivery-log-uncertain-en")
