"""403, 404 and 500 in the platform's own look, in Danish and English, with a way back; a 403 is one log line
(issue 15.5)."""

import logging

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import ProgrammeFactory, politician_of

pytestmark = pytest.mark.django_db

TEXTS = {
    403: {"da": ("Det har du ikke adgang til", "Gå til din forside"), "en": ("You may not do this",
                                                                         "Go to your home page")},
    404: {"da": ("Vi kunne ikke finde siden", "Gå til din forside"), "en": ("We could not find that page",
                                                                         "Go to your home page")},
    500: {"da": ("Der gik noget galt hos os", "Gå til forsiden"), "en": ("Something went wrong on our side",
                                                                     "Go to the front page")},
}


def _forbidden(client):
    client.force_login(politician_of(ProgrammeFactory()))
    return client.get(reverse("accounts:invitation-create"))


@override_settings(DEBUG=False)
@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("status", [403, 404, 500])
def test_error_pages_in_the_platform_look_with_a_way_back(settings, language, status):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    if status == 403:
        response = _forbidden(client)
    elif status == 404:
        response = client.get("/no-such-page/")
    else:
        settings.ROOT_URLCONF = "tests.core.broken_urls"
        response = client.get("/boom/")
    page = response.content.decode()
    heading, back = TEXTS[status][language]
    assert response.status_code == status
    assert f'lang="{language}"' in page
    assert heading in page and back in page
    assert 'href="/static/css/app.css"' in page  # the platform's stylesheet, not Django's plain page
    assert 'class="error-page"' in page
    assert 'href="/"' in page  # the way back


def test_a_refused_request_logs_one_line_without_a_traceback(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = _forbidden(client)
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    path = reverse("accounts:invitation-create")
    assert [r.getMessage() for r in records] == [f"Forbidden (Permission denied): {path}"]
    assert records[0].exc_info is None and "Traceback" not in caplog.text


def test_a_server_error_still_logs_its_traceback(settings, caplog):
    settings.ROOT_URLCONF = "tests.core.broken_urls"
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert client.get("/boom/").status_code == 500
    assert "a deliberate failure for the 500 page test" in caplog.text and "Traceback" in caplog.text
