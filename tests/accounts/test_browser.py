"""In a real browser: every role logs in, in Danish and in English; the invitation flow end to end."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, Role
from accounts.services import invitation_create
from programmes.demo import DEMO_PASSWORD, demo_email, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROLE_LOGINS = ["admin", "facilitator", "advisor", "staff", "politician", "observer"]
HOME_HEADINGS = {
    "admin": ("Programmer du faciliterer", "Programmes you facilitate"),
    "facilitator": ("Programmer du faciliterer", "Programmes you facilitate"),
    "advisor": ("Kommuner du rådgiver", "Municipalities you advise"),
    "staff": ("Din kommune i programmer", "Your municipality in programmes"),
    "politician": ("Din følgegruppe på et øjeblik", "Your follow-group at a glance"),
    "observer": ("Programmer du observerer", "Programmes you observe"),
}


def test_every_demo_login_reaches_its_home_page_in_danish_and_english(browser_page):
    load_demo()
    page = browser_page
    for key in ROLE_LOGINS:
        page.login(demo_email(key), DEMO_PASSWORD)
        assert page.page.url.rstrip("/") == page.base_url, f"{key} did not land on the home page"
        danish, english = HOME_HEADINGS[key]
        assert page.locator("html").get_attribute("lang") == "da"
        assert page.get_by_role("heading", name=danish).is_visible()
        page.check_accessibility(f"home of {key} (da)")
        page.screenshot(f"home-{key}-da")
        page.switch_language("en")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", name=english).is_visible()
        page.check_accessibility(f"home of {key} (en)")
        page.screenshot(f"home-{key}-en")
        page.switch_language("da")
        page.logout()
    page.goto("/accounts/login/")
    page.check_accessibility("login (da)")
    page.switch_language("en")
    page.check_accessibility("login (en)")


def test_invitation_from_facilitator_to_a_new_home_page(browser_page, _browser):
    load_demo()
    mail.outbox.clear()  # (what loading sent: the running demo cohort's meeting invitations and notices)
    page = browser_page
    page.login(demo_email("facilitator"), DEMO_PASSWORD)
    page.get_by_role("link", name="Invitationer", exact=True).click()
    page.check_accessibility("invitation list")
    page.get_by_role("link", name="Invitér en person").click()
    page.check_accessibility("invitation form")
    page.fill("#id_email", "ny.observatoer@example.org")
    page.fill("#id_full_name", "Nora Ny")
    page.select_option("#id_role", Role.OBSERVER.value)
    page.select_option("#id_programme", label="Cirkulære byer")
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_text("ny.observatoer@example.org").first.is_visible()
    page.screenshot("invitation-list")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/people/invite/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]

    # The invitee, in a browser of their own.
    context = _browser.new_context(locale="da-DK")
    invitee = context.new_page()
    invitee.goto(page.url(path))
    invitee.fill("#id_password1", "grøn-omstilling-2024")
    invitee.fill("#id_password2", "grøn-omstilling-2024")
    invitee.get_by_role("button", name="Opret min konto").click()
    invitee.wait_for_load_state()
    assert invitee.url.rstrip("/") == page.base_url
    assert invitee.get_by_role("heading", name="Programmer du observerer").is_visible()
    assert invitee.locator("main").get_by_role("link", name="Cirkulære byer", exact=True).is_visible()

    # The same link again: already used.
    invitee.goto(page.url(path))
    assert invitee.get_by_role("heading", name="Invitationen er allerede brugt").is_visible()
    context.close()

    # An expired link gets its own page, in the visitor's language.
    invitation, token = invitation_create(email="sen@example.org", role=Role.OBSERVER,
                                          programme=Invitation.objects.first().programme, invited_by=None)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    page.logout()
    page.goto(f"/people/invite/{token}/")
    assert page.get_by_role("heading", name="Invitationen er udløbet").is_visible()
    page.check_accessibility("expired invitation")
    page.switch_language("en")
    assert page.get_by_role("heading", name="This invitation has expired").is_visible()
    page.screenshot("invitation-expired-en")
