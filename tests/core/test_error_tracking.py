"""Error tracking (sentry-sdk; issue 20, item 3): off unless SENTRY_DSN is set; a report of a failed request
says what failed and where, and carries no personal data."""

import json
import os
import subprocess
import sys

import pytest
import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client, RequestFactory
from sentry_sdk.transport import Transport

from circular_cities import errortracking
from tests.factories import UserFactory


class Captured(Transport):
    """Keeps what would have been sent to Sentry/GlitchTip."""

    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def events(self):
        return [item.payload.json for envelope in self.envelopes for item in envelope.items
                if item.type == "event"]


@pytest.fixture
def reporting():
    transport = Captured()
    assert errortracking.init("https://public@errors.invalid/1", environment="test", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)  # reporting off again for the other tests


def test_it_is_off_when_no_dsn_is_set():
    assert errortracking.init("", environment="test") is False
    assert not sentry_sdk.get_client().is_active()  # the test settings have no SENTRY_DSN


def test_sentry_dsn_in_the_environment_switches_it_on_for_every_process():
    """settings.py starts it, so web, Celery worker and beat all report (GlitchTip takes the same DSN)."""
    script = ("import django, sentry_sdk; django.setup(); client = sentry_sdk.get_client(); "
              "print(client.is_active(), client.options['send_default_pii'], client.options['environment'], "
              "client.options['include_local_variables'], client.options['max_request_body_size'])")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "circular_cities.settings",
           "SENTRY_DSN": "https://public@glitchtip.invalid/3", "SENTRY_ENVIRONMENT": "staging"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "False", "staging", "False", "never"]


@pytest.mark.django_db(transaction=True)  # the request goes through the whole WSGI handler, as in production
def test_a_failed_request_is_reported_without_personal_data(reporting, settings):
    settings.ROOT_URLCONF = "tests.core.errortracking_urls"
    person = UserFactory(email="maren.holm@kommune.example", full_name="Maren Holm")
    client = Client()
    client.force_login(person)
    request = RequestFactory().post(
        "/fail/?q=maren.holm@kommune.example", {"full_name": "Maren Holm", "note": "private"},
        HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
        HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="203.0.113.9", HTTP_REFERER="/search/?q=Maren+Holm")
    status = []
    b"".join(WSGIHandler()(request.environ, lambda code, headers, *rest: status.append(code)))
    assert status[0].startswith("500")
    sentry_sdk.flush()
    [event] = reporting.events()
    text = json.dumps(event)
    assert "RuntimeError" in text and "no participation for [email]" in text  # what failed, and where
    assert event["request"]["url"].endswith("/fail/") and event["request"]["method"] == "POST"
    assert set(event.get("user") or {}) <= {"id"}  # at most the account's id
    for personal in ("maren.holm", "Maren Holm", "private", "203.0.113.9", "sessionid", "csrftoken"):
        assert personal not in text, personal
    assert "looking up [email]" in text  # the breadcrumb is kept, the address is not
