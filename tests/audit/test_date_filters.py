"""The audit list's date filters: a year the platform cannot handle is shown as a mistake, never a 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", [{"date_from": "0001-01-01"}, {"date_to": "9999-12-31"},
                                   {"date_from": "0001-01-01", "date_to": "9999-12-31"}])
def test_dates_outside_the_window_are_refused_with_a_message(client, world, query):
    client.cookies["django_language"] = "da"
    client.force_login(world.a.users["facilitator"])
    response = client.get(reverse("audit:list"), query)
    assert response.status_code == 200
    assert "Angiv en dato mellem 01.01.2000 og 31.12.2099." in response.text

