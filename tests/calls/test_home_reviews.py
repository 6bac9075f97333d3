"""A reviewer finds their assessments from the home page: an external reviewer has no role in any programme,
so without this section the home page told them there was nothing for them (found trying the demo as
reviewer@). Only their own reviews, never another reviewer's, and not the ones they have finished."""

import pytest
from django.urls import reverse
from django.utils import timezone

from calls import services
from tests.calls.helpers import close, danish_municipality, make_call, reviewer_of, submitted_application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="da").content.decode()


def test_an_external_reviewer_sees_what_waits_for_their_assessment(client, world):
    facilitator = world.a.users["facilitator"]
    call = make_call(world.a)
    application = submitted_application(call, danish_municipality("Horsens"))
    close(call)
    outsider = UserFactory(full_name="Rikke Bedømmer", email="rikke@example.org", language="da")
    other_outsider = UserFactory(full_name="Ole Bedømmer", email="ole@example.org", language="da")
    review = services.review_assign(application=application, reviewer=reviewer_of(call=call, user=outsider,
                                                                                   by=facilitator))
    reviewer_of(call=call, user=other_outsider, by=facilitator)

    page = _home(client, outsider)
    assert "Ansøgninger, der venter på din bedømmelse" in page
    assert reverse("calls:review", args=[review.pk]) in page and "Horsens" in page
    assert reverse("calls:my-reviews") in page
    assert "Du har ikke en rolle i et program endnu" not in page

    # another reviewer of the same call, with nothing assigned: nothing of Rikke's
    page = _home(client, other_outsider)
    assert "Horsens" not in page and reverse("calls:review", args=[review.pk]) not in page

    # the facilitator of the other programme: nothing either
    page = _home(client, world.b.users["facilitator"])
    assert "Ansøgninger, der venter på din bedømmelse" not in page

    # decided (its reviews are closed then): it no longer waits
    type(application).objects.filter(pk=application.pk).update(decision=type(application).Decision.DECLINED)
    assert "Ansøgninger, der venter på din bedømmelse" not in _home(client, outsider)
    type(application).objects.filter(pk=application.pk).update(decision=type(application).Decision.PENDING)
    assert "Ansøgninger, der venter på din bedømmelse" in _home(client, outsider)

    # once sent, it no longer waits
    type(review).objects.filter(pk=review.pk).update(submitted_at=timezone.now())
    page = _home(client, outsider)
    assert "Ansøgninger, der venter på din bedømmelse" not in page
    listing = client.get(reverse("calls:my-reviews"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Horsens" in listing and "Færdig" in listing
