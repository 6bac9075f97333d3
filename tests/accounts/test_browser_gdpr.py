"""In a real browser: a person downloads their data and asks for deletion; an admin erases them in the admin; they
cannot log in again and their progress entry shows "Former member". Screenshots in test-artifacts/gdpr-*.png."""

import json
import time
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import DeletionRequest, User
from municipalities.models import ProgressEntry
from tests.factories import DEMO_PASSWORD, AdminFactory, ParticipationFactory, facilitator_of, staff_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NAME = "Zebulon Quarrington"
EMAIL = "zebulon.quarrington@example.org"


def test_export_request_deletion_erase_and_former_member(browser_page, settings):
    settings.REQUIRE_MFA_FOR_PRIVILEGED = False
    participation = ParticipationFactory()
    person = staff_of(participation.municipality, user__email=EMAIL, user__full_name=NAME, user__language="en")
    entry = ProgressEntry.objects.create(
        participation=participation, happened_on=date(2022, 3, 1), author=person,
        what_happened="Textile take-back pilot with the recycling centre.", status=ProgressEntry.Status.ON_TRACK,
        state=ProgressEntry.State.PUBLISHED, published_at=timezone.now())
    admin = AdminFactory(email="root@example.org", language="en")
    facilitator = facilitator_of(participation.cohort.programme, user__email="fac@example.org")
    page = browser_page

    # The person finds "My data" from their name in the header, downloads it, and asks for deletion.
    page.login(EMAIL, DEMO_PASSWORD)
    page.locator("header a.user-name").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "My account and data"
    assert "Textile take-back pilot" in page.content()
    page.check_accessibility("my data")
    page.screenshot("gdpr-my-data-en")
    page.goto(reverse("usersessions_list"))
    page.screenshot("gdpr-sessions-en")
    page.goto(reverse("accounts:my-data"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as JSON").first.click()
    download = download_info.value
    assert download.suggested_filename == "my-data-circular-cities.json"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["person"]["email"] == EMAIL and data["person"]["full_name"] == NAME
    entries = next(s for s in data["sections"] if s["key"] == "municipalities.progressentry.author")["rows"]
    assert entries[0]["what_happened"].startswith("Textile take-back pilot")

    page.get_by_role("link", name="Ask for deletion").click()
    page.wait_for_load_state()
    page.check_accessibility("deletion request")
    page.screenshot("gdpr-deletion-request-en")
    page.fill("textarea[name=reason]", "I am leaving the municipality.")
    page.check("input[name=confirm]")
    page.once("dialog", lambda dialog: dialog.accept())  # data-confirm asks first
    page.get_by_role("button", name="Send deletion request").click()
    page.wait_for_load_state()
    assert "Your request was sent" in page.content()
    assert DeletionRequest.objects.filter(user=person, outcome="open").exists()

    # The same pages in Danish, and the public privacy page in both languages.
    page.switch_language("da")
    page.goto(reverse("accounts:my-data"))
    page.check_accessibility("my data da")
    page.screenshot("gdpr-my-data-da")
    page.goto(reverse("usersessions_list"))
    page.check_accessibility("sessions da")
    page.screenshot("gdpr-sessions-da")
    page.goto(reverse("accounts:deletion-request"))
    page.screenshot("gdpr-deletion-request-da")

    # Idle too long: the next page is the login page, which says why.
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 0
    time.sleep(1.1)
    page.goto(reverse("accounts:my-data"))
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
    assert "/accounts/login/" in page.page.url
    assert page.locator(".messages").count() == 1
    page.check_accessibility("timed out da")
    page.screenshot("gdpr-timed-out-da")
    page.goto(reverse("accounts:privacy"))
    page.check_accessibility("privacy da")
    page.screenshot("gdpr-privacy-da")
    page.switch_language("en")
    page.goto(reverse("accounts:privacy"))
    assert page.locator("h1").inner_text() == "How Circular Cities handles personal data"
    page.check_accessibility("privacy en")
    page.screenshot("gdpr-privacy-en")

    # An admin erases the person from the deletion request in the admin, after a confirmation page.
    page.login(admin.email, DEMO_PASSWORD)
    page.goto(reverse("admin:accounts_deletionrequest_changelist"))
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "erase")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert EMAIL in page.content()
    page.screenshot("gdpr-admin-erase-confirmation-en")
    page.get_by_role("button", name="Yes, erase").click()
    page.wait_for_load_state()
    assert "1 person erased" in page.content()
    person.refresh_from_db()
    assert person.erased_at and not person.is_active
    page.context.clear_cookies()

    # The person cannot log in any more.
    page.login(EMAIL, DEMO_PASSWORD)
    assert page.page.url.rstrip("/").endswith("/accounts/login")
    assert page.locator("header a.user-name").count() == 0
    page.screenshot("gdpr-login-refused-en")
    assert not User.objects.filter(email=EMAIL).exists()

    # Their progress entry stays, written by "Former member".
    page.context.clear_cookies()
    page.login(facilitator.email, DEMO_PASSWORD)
    page.goto(reverse("municipalities:progress-detail", args=[entry.pk]))
    body = page.content()
    assert "Former member" in body and NAME not in body
    page.screenshot("gdpr-former-member-en")
