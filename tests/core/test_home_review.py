"""The facilitator's home (issue 15.6): "Waiting for your review" lists the stage-gate outputs submitted in
their own programmes and not reviewed yet, and an unread card shows their notifications, as for the other
roles. Another programme's outputs never show, and the queries do not grow with the outputs."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from municipalities.models import StageGateOutput
from notifications.models import Notification
from tests.factories import MunicipalityFactory, ParticipationFactory, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def partials_in_response_context(monkeypatch):
    """The sections render in a template partial (``home.html#body``), which sends no ``template_rendered``
    signal; this lets the test client see their context."""
    from django.test.utils import instrumented_test_render
    from template_partials.templatetags.partials import TemplateProxy

    monkeypatch.setattr(TemplateProxy, "_render", instrumented_test_render)


def output(participation, title, *, state=StageGateOutput.State.SUBMITTED, days_ago=1, kind="insights"):
    return StageGateOutput.objects.create(
        participation=participation, stage="discover", kind=kind, title=title, body="Opsummering", state=state,
        submitted_at=timezone.now() - timedelta(days=days_ago))


def section(response, key):
    return next(s for s in response.context["sections"] if s["key"] == key)


def home(client, user, language="en"):
    client.cookies["django_language"] = language
    client.force_login(user)
    return client.get(reverse("home"))


def test_the_facilitator_sees_what_waits_for_their_review_oldest_first(client, world):
    output(world.a.participation, "Indsigter By a1", days_ago=2)
    output(world.a.other_participation, "Indsigter By a2", days_ago=5)
    output(world.b.participation, "Indsigter By b1")  # another programme
    output(world.a.participation, "Allerede godkendt", state=StageGateOutput.State.ACCEPTED, kind="problem_framing")
    output(world.a.other_participation, "Sendt tilbage", state=StageGateOutput.State.RETURNED,
           kind="problem_framing")
    response = home(client, world.a.users["facilitator"])
    review = section(response, "review")
    assert [o.title for o in review["outputs"]] == ["Indsigter By a2", "Indsigter By a1"]
    assert review["count"] == 2
    html = response.content.decode()
    assert "Indsigter By b1" not in html and "Allerede godkendt" not in html and "Sendt tilbage" not in html
    page = BeautifulSoup(response.content, "html.parser")
    card = page.select_one('section[data-section="review"]')
    assert card.h2.get_text(" ", strip=True).startswith("Waiting for your review")
    links = [a["href"] for a in card.select("a")]
    first = StageGateOutput.objects.get(title="Indsigter By a2")
    assert links[0] == reverse("municipalities:stages", args=[world.a.other_participation.pk]) + f"#output-{first.pk}"


def test_an_output_submitted_again_waits_once_as_its_newest_version(client, world):
    output(world.a.participation, "Første udgave", days_ago=3)
    output(world.a.participation, "Anden udgave", days_ago=1)
    review = section(home(client, world.a.users["facilitator"]), "review")
    assert [o.title for o in review["outputs"]] == ["Anden udgave"] and review["count"] == 1


def test_the_other_programmes_facilitator_and_other_roles_see_no_such_list(client, world):
    output(world.a.participation, "Indsigter By a1")
    assert section(home(client, world.b.users["facilitator"]), "review")["outputs"] == []
    for role in ("staff", "advisor", "politician", "observer"):
        response = home(client, world.a.users[role])
        assert "review" not in [s["key"] for s in response.context["sections"]], role
        assert "Indsigter By a1" not in response.content.decode()


def test_the_facilitator_has_an_unread_card_with_only_their_own_notifications(client, world):
    facilitator = world.a.users["facilitator"]
    Notification.objects.create(recipient=facilitator, category="stage_gates", title="By a1 submitted “X”")
    Notification.objects.create(recipient=facilitator, category="community", title="Read already",
                                read_at=timezone.now())
    Notification.objects.create(recipient=world.b.users["facilitator"], category="stage_gates", title="Not mine")
    response = home(client, facilitator)
    card = section(response, "notifications")
    assert [n.title for n in card["notifications"]] == ["By a1 submitted “X”"] and card["count"] == 1
    assert "Not mine" not in response.content.decode()


def test_a_facilitator_who_is_also_staff_gets_one_unread_card(client, world):

    facilitator = world.a.users["facilitator"]
    staff_of(world.a.participation, user=facilitator)
    keys = [s["key"] for s in home(client, facilitator).context["sections"]]
    assert keys.count("notifications") == 1 and "review" in keys


def test_the_review_list_in_danish(client, world):
    output(world.a.participation, "Indsigter By a1")
    page = BeautifulSoup(home(client, world.a.users["facilitator"], "da").content, "html.parser")
    card = page.select_one('section[data-section="review"]')
    text = card.get_text(" ", strip=True)
    assert card.h2.get_text(" ", strip=True).startswith("Venter på din vurdering")
    assert "Venter på vurdering" in text and "Indsigter og interessentkort" in text
    assert f"indsendt {(timezone.now() - timedelta(days=1)):%d.%m.%Y}" in text
    empty = BeautifulSoup(home(client, world.b.users["facilitator"], "da").content, "html.parser")
    assert "Ingen trinportleverance venter på din vurdering." in empty.select_one(
        'section[data-section="review"]').get_text(" ", strip=True)
    unread = empty.select_one('section[data-section="notifications"]')
    assert unread.h2.get_text(" ", strip=True) == "Ulæste påmindelser og notifikationer"


def test_each_output_waiting_names_its_municipality_programme_and_day_in_danish(client, world):
    """The line under each output: kind, municipality, programme and the day it was submitted, read with the list
    (only the fields shown), not one query per row."""
    first = output(world.a.participation, "Indsigter By a1", days_ago=2)
    output(world.a.other_participation, "Indsigter By a2", days_ago=5)
    response = home(client, world.a.users["facilitator"], "da")
    card = BeautifulSoup(response.content, "html.parser").select_one('section[data-section="review"]')
    line = next(li for li in card.select("li") if "Indsigter By a1" in li.get_text())
    text = line.get_text(" ", strip=True)
    programme = world.a.programme.name_da
    assert world.a.participation.municipality.name in text and programme in text, text
    assert f"indsendt {timezone.localtime(first.submitted_at):%d.%m.%Y}" in text, text


def test_the_facilitators_home_queries_do_not_grow_with_the_outputs(client, world, django_assert_max_num_queries):
    facilitator = world.a.users["facilitator"]
    client.force_login(facilitator)

    def add(n):
        for i in range(n):
            participation = ParticipationFactory(cohort=world.a.cohort, municipality=MunicipalityFactory())
            output(participation, f"Indsigter {i}")
            Notification.objects.create(recipient=facilitator, category="stage_gates", title=f"Note {i}")

    add(1)
    with django_assert_max_num_queries(QUERIES):
        client.get(reverse("home"))
    add(9)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(reverse("home"))
    review = section(response, "review")
    assert review["count"] == 10 and len(review["outputs"]) == 5


# The same at 1× and 10×: session, person, roles, one query per section, the unread count, and the reviews
# waiting for the person's assessment.
QUERIES = 12
