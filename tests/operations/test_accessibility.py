"""The accessibility statement (published on was.digst.dk) is linked from every page's footer once its address
is set, the public showcase included."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

STATEMENT = "https://www.was.digst.dk/cities-example-org"


@pytest.mark.parametrize("url_name", ["account_login", "community:showcase"])
def test_the_footer_links_the_statement_when_its_address_is_set(client, settings, url_name):
    settings.ACCESSIBILITY_STATEMENT_URL = STATEMENT
    page = client.get(reverse(url_name)).content.decode()
    assert f'<a href="{STATEMENT}">Accessibility statement</a>' in page
    settings.ACCESSIBILITY_STATEMENT_URL = ""
    assert "Accessibility statement" not in client.get(reverse(url_name)).content.decode()


def test_the_template_has_every_section_in_danish_and_english():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "accessibility-statement.md").read_text()
    for heading in ("Overholdelsesstatus", "Indhold, der ikke er tilgængeligt", "Håndhævelsesprocedure",
                    "Compliance status", "Non-accessible content", "Enforcement procedure", "was.digst.dk",
                    "not tagged"):
        assert heading in text
