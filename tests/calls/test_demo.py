"""The demo's calls (issue 19): open now in the running programme, closed in the historical one with its six
municipalities accepted; loading twice and --reset keep it whole."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from calls.models import Application, Call
from programmes.demo import DEMO_PASSWORD, SLUG, load_demo
from programmes.demo_running import SLUG as RUNNING
from programmes.models import Participation
from tests.programmes.test_demo_running import row_counts

pytestmark = pytest.mark.django_db


def test_the_running_programme_has_an_open_call_with_applications_in_different_states():
    load_demo()
    call = Call.objects.get(programme__slug=RUNNING)
    assert call.is_open
    states = set(call.applications.values_list("state", flat=True))
    assert states == {Application.State.DRAFT, Application.State.SUBMITTED}
    assert call.applications.filter(reviews__submitted_at__isnull=False).exists()
    assert call.applications.filter(reviews__submitted_at__isnull=True, state="submitted").exists()


def test_the_historical_call_is_closed_and_accepted_its_six_municipalities():
    load_demo()
    call = Call.objects.get(programme__slug=SLUG)
    assert not call.is_open
    accepted = call.applications.filter(decision=Application.Decision.ACCEPTED)
    participations = Participation.objects.filter(cohort__programme__slug=SLUG, cohort=call.cohort)
    assert accepted.count() == 6
    assert set(accepted.values_list("participation", flat=True)) == set(participations.values_list("pk", flat=True))
    assert call.applications.filter(decision=Application.Decision.DECLINED).exists()


def test_loading_twice_adds_nothing_and_reset_loads_it_anew():
    load_demo()
    first = row_counts()
    load_demo()
    assert row_counts() == first
    Application.objects.filter(call__programme__slug=RUNNING, state="draft").delete()
    call_command("load_demo", "--reset", "--quiet-logins")
    after = row_counts()
    live = [label for label in first if label.startswith("calls.") and ".Historical" not in label]
    assert {label: after[label] for label in live} == {label: first[label] for label in live}


def test_the_demo_call_is_on_the_public_pages_and_the_feed(client):
    load_demo()
    call = Call.objects.get(programme__slug=RUNNING)
    client.cookies["django_language"] = "da"
    assert call.title_da in client.get(reverse("calls:public-list")).content.decode()
    assert call.title_da in client.get(reverse("community:showcase")).content.decode()
    feed = client.get(reverse("community:showcase-feed") + "?lang=en").content.decode()
    assert call.title_en in feed and f"tag:circular-cities,2021:call/{call.pk}" in feed


def _allowed_by_the_ui(reviewer) -> bool:
    """A facilitator of the call's programme, or a person who accepted an invitation to review this call."""
    from calls.selectors import programme_facilitators

    return (programme_facilitators(reviewer.call.programme).filter(pk=reviewer.user_id).exists()
            or reviewer.call.reviewer_invitations.filter(invitation__accepted_by=reviewer.user,
                                                         invitation__role="").exists())


def test_the_demo_reviewers_are_ones_the_ui_allows_and_loading_twice_keeps_them(client):
    from calls.models import Reviewer

    load_demo()
    load_demo()
    reviewers = list(Reviewer.objects.select_related("call__programme", "user"))
    assert reviewers and all(_allowed_by_the_ui(r) for r in reviewers), [(str(r), r.call) for r in reviewers]
    assert not Reviewer.objects.filter(user__email="advisor@demo.example.org").exists()
    external = Reviewer.objects.get(call__programme__slug=RUNNING, user__email="reviewer@demo.example.org")
    assert not external.user.roles.exists() and external.reviews.exists()
    # the external reviewer signs in with the demo password and sees the review assigned to them
    assert client.login(email="reviewer@demo.example.org", password=DEMO_PASSWORD)
    assert external.reviews.get().application.municipality.name in client.get(
        reverse("calls:my-reviews")).content.decode()


def test_every_printed_demo_login_signs_in_the_external_reviewer_too(client, capsys):
    call_command("load_demo")
    printed = capsys.readouterr().out
    from programmes.demo import demo_logins

    logins = demo_logins()
    assert "reviewer@demo.example.org" in printed
    assert [email for _label, email, _password in logins][-1] == "reviewer@demo.example.org"
    for _label, email, password in logins:
        assert email in printed
        assert client.login(email=email, password=password), email
        client.logout()
