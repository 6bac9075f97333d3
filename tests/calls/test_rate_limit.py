"""The public apply form e-mails a link to any address: it is rate-limited per client address and per e-mail
address (allauth's rate-limit helper, ``ACCOUNT_RATE_LIMITS["calls_link"]``), with a clear message."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.calls.helpers import danish_municipality, make_call
from tests.factories import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return make_call(build_world().a)


def _ask(client, call, email, ip="192.0.2.10"):
    return client.post(reverse("calls:apply", args=[call.pk]),
                       {"municipality": danish_municipality("Aarhus").pk, "name": "Karen", "email": email},
                       REMOTE_ADDR=ip)


def test_one_address_gets_at_most_the_limit_of_links_in_danish(client, call, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "calls_link": "20/h/ip,3/h/key"}
    client.cookies["django_language"] = "da"
    mail.outbox.clear()
    for _ in range(3):
        assert _ask(client, call, "karen@aarhus.dk").status_code == 200
    response = _ask(client, call, "Karen@Aarhus.dk", ip="192.0.2.99")  # same address, another network
    assert response.status_code == 429
    assert "For mange links" in response.content.decode() and "1 time" in response.content.decode()
    assert len(mail.outbox) == 3
    assert _ask(client, call, "ole@aarhus.dk").status_code == 200  # another address is not held up
    assert len(mail.outbox) == 4


def test_one_network_gets_at_most_the_limit_of_links_in_english(client, call, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "calls_link": "2/h/ip,5/h/key"}
    client.cookies["django_language"] = "en"
    mail.outbox.clear()
    assert _ask(client, call, "a@aarhus.dk").status_code == 200
    assert _ask(client, call, "b@aarhus.dk").status_code == 200
    response = _ask(client, call, "c@aarhus.dk")
    assert response.status_code == 429 and "Too many links" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["a@aarhus.dk"], ["b@aarhus.dk"]]
    assert _ask(client, call, "c@aarhus.dk", ip="198.51.100.7").status_code == 200  # another network may


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_limit_message_in_the_browser(browser_page, settings, lang):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "calls_link": "20/h/ip,1/h/key"}
    call = make_call(build_world().a)
    page = browser_page
    page.goto(f"/calls/{call.pk}/apply/")
    page.switch_language(lang)
    for _ in range(2):
        page.select_option("#id_municipality", label="Aarhus")
        page.fill("#id_name", "Karen Jensen")
        page.fill("#id_email", "karen.jensen@aarhus.dk")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        if not page.locator("#id_email").count():  # the link was sent: ask again from a fresh form
            page.goto(f"/calls/{call.pk}/apply/")
    page.get_by_text({"da": "For mange links", "en": "Too many links"}[lang]).wait_for()
    page.check_accessibility(f"apply rate-limited ({lang})")
    page.screenshot(f"calls-apply-rate-limited-{lang}")
