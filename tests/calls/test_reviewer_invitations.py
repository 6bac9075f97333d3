"""External reviewers by invitation (issue 19, h-calls2): the facilitator picks a reviewer from the programme's
facilitators, or invites an external reviewer by name and e-mail; accepting the platform's invitation creates the
account and makes the person a reviewer of that call only, who sees only the applications assigned to them."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Invitation
from audit.selectors import audit_rows
from calls import services
from calls.models import Reviewer, ReviewerInvitation
from tests.calls.helpers import danish_municipality, make_call, submitted_application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _token(message) -> str:
    return re.search(r"/people/invite/([^/\s]+)/", message.body).group(1)


def test_an_invited_external_reviewer_accepts_and_reviews_only_that_call(world, call):
    facilitator = world.a.users["facilitator"]
    mail.outbox.clear()
    result = services.reviewer_invite(call=call, email="Eva@Ekstern.example.org ", full_name="Eva Ekstern",
                                      language="en", by=facilitator)
    assert isinstance(result, ReviewerInvitation)
    invitation = result.invitation
    assert invitation.role == "" and invitation.programme is None and invitation.email == "eva@ekstern.example.org"
    assert invitation.purpose == f"external reviewer of the open call “{call.title_en}”"
    [message] = mail.outbox
    assert message.to == ["eva@ekstern.example.org"] and "external reviewer" in message.subject
    assert not Reviewer.objects.filter(call=call).exists()

    user = account_services.invitation_accept(token=_token(message), full_name="Eva Ekstern", password="x-9-Lang-Nok")
    reviewer = Reviewer.objects.get(call=call)
    assert reviewer.user == user and reviewer.added_by == facilitator
    assert not user.roles.exists()  # no role anywhere: only this call's assigned applications
    other_call = make_call(world.a)
    assert not other_call.reviewers.exists()


def test_the_invitation_is_in_the_language_chosen_or_danish_by_default(world, call, settings):
    settings.LANGUAGE_CODE = "da"  # the product's default (the tests run with English)
    mail.outbox.clear()
    services.reviewer_invite(call=call, email="ole@ekstern.example.org", by=world.a.users["facilitator"])
    [message] = mail.outbox
    assert "ekstern bedømmer" in message.subject and "ekstern bedømmer af ansøgningsrunden" in message.body


def test_an_existing_account_is_added_at_once_and_told(world, call):
    known = UserFactory(email="kendt@example.org", language="en")
    mail.outbox.clear()
    result = services.reviewer_invite(call=call, email="kendt@example.org", by=world.a.users["facilitator"])
    assert isinstance(result, Reviewer) and result.user == known
    assert not Invitation.objects.filter(email="kendt@example.org").exists()
    [message] = mail.outbox
    assert message.to == ["kendt@example.org"] and "You review the open call" in message.subject
    with pytest.raises(ValidationError):
        services.reviewer_invite(call=call, email="kendt@example.org", by=world.a.users["facilitator"])


def test_a_second_invitation_to_the_same_address_is_refused(world, call):
    services.reviewer_invite(call=call, email="eva@ekstern.example.org", by=world.a.users["facilitator"])
    with pytest.raises(ValidationError) as error:
        services.reviewer_invite(call=call, email="EVA@ekstern.example.org", by=world.a.users["facilitator"])
    assert "email" in error.value.message_dict


def test_a_random_account_cannot_be_added_from_the_list(world, call):
    for user in (UserFactory(email="tilfaeldig@example.org"), world.a.users["advisor"], world.b.users["facilitator"]):
        with pytest.raises(ValidationError) as error:
            services.reviewer_add(call=call, user=user, by=world.a.users["facilitator"])
        assert "user" in error.value.message_dict
    assert not call.reviewers.exists()
    assert services.reviewer_add(call=call, user=world.a.users["facilitator"], by=None).call == call


def test_the_page_picks_only_the_programmes_facilitators_and_refuses_others(client, world, call):
    client.cookies["django_language"] = "da"
    client.force_login(world.a.users["facilitator"])
    page = client.get(reverse("calls:manage", args=[call.pk])).content.decode()
    assert 'id="id_user"' in page and str(world.a.users["facilitator"]) in page
    assert str(world.b.users["facilitator"]) not in page
    response = client.post(reverse("calls:reviewer-add", args=[call.pk]), {"user": world.b.users["facilitator"].pk})
    assert response.status_code == 422 and not call.reviewers.exists()
    response = client.post(reverse("calls:reviewer-add", args=[call.pk]), {"user": world.a.users["advisor"].pk})
    assert response.status_code == 422 and not call.reviewers.exists()
    response = client.post(reverse("calls:reviewer-invite", args=[call.pk]),
                           {"full_name": "Eva Ekstern", "email": "eva@ekstern.example.org", "language": "da"})
    assert response.status_code == 302
    page = client.get(reverse("calls:manage", args=[call.pk])).content.decode()
    assert "eva@ekstern.example.org" in page and "Inviteret, afventer svar" in page


def test_the_facilitator_of_the_other_programme_cannot_invite_or_add(client, world, call):
    client.force_login(world.b.users["facilitator"])
    response = client.post(reverse("calls:reviewer-invite", args=[call.pk]),
                           {"full_name": "Eva", "email": "eva@ekstern.example.org", "language": "da"})
    assert response.status_code == 404
    response = client.post(reverse("calls:reviewer-add", args=[call.pk]), {"user": world.b.users["facilitator"].pk})
    assert response.status_code == 404
    assert not ReviewerInvitation.objects.exists() and not call.reviewers.exists()


def test_the_invited_reviewer_sees_only_assigned_applications(client, world, call):
    mail.outbox.clear()
    services.reviewer_invite(call=call, email="eva@ekstern.example.org", by=world.a.users["facilitator"])
    user = account_services.invitation_accept(token=_token(mail.outbox[-1]), full_name="Eva", password="x-9-Lang-Nok")
    reviewer = call.reviewers.get(user=user)
    assigned = submitted_application(call, danish_municipality("Aarhus"))
    other = submitted_application(call, danish_municipality("Odense"), "o@odense.dk")
    review = services.review_assign(application=assigned, reviewer=reviewer)
    client.force_login(user)
    page = client.get(reverse("calls:my-reviews")).content.decode()
    assert "Aarhus" in page and "Odense" not in page
    assert client.get(reverse("calls:review", args=[review.pk])).status_code == 200
    assert client.get(reverse("calls:application-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("calls:manage", args=[call.pk])).status_code == 404


def test_adding_a_reviewer_is_in_the_audit(world, call):
    services.reviewer_add(call=call, user=world.a.users["facilitator"], by=world.a.users["facilitator"])
    rows = list(audit_rows(user=world.a.users["facilitator"], filters={"kind": "reviewer"}))
    assert len(rows) == 1
    assert list(audit_rows(user=world.b.users["facilitator"], filters={"kind": "reviewer"})) == []


def test_an_invitation_without_a_role_needs_a_purpose(world):
    with pytest.raises(ValidationError):
        account_services.invitation_create(email="x@example.org", role="", invited_by=None)


# --- After accepting: the reviewer lands on their reviews --------------------------------------------------------

def test_a_new_external_reviewer_lands_on_their_reviews_after_accepting(client, world, call):
    mail.outbox.clear()
    services.reviewer_invite(call=call, email="eva@ekstern.example.org", full_name="Eva Ekstern", language="da",
                             by=world.a.users["facilitator"])
    url = reverse("accounts:invitation-accept", args=[_token(mail.outbox[-1])])
    response = client.post(url, {"full_name": "Eva Ekstern", "password1": "grøn-omstilling-2024",
                                 "password2": "grøn-omstilling-2024"}, follow=True)
    assert response.redirect_chain[-1] == (reverse("calls:my-reviews"), 302)
    assert response.status_code == 200 and response.context["user"].email == "eva@ekstern.example.org"
    assert "Velkommen til Cirkulære byer, Eva!" in " ".join(str(m) for m in response.context["messages"])
    assert Reviewer.objects.get(call=call).user == response.context["user"]


def test_an_existing_account_that_accepts_signed_in_lands_on_its_reviews_too(client, world, call):
    mail.outbox.clear()
    services.reviewer_invite(call=call, email="eva@ekstern.example.org", by=world.a.users["facilitator"])
    token = _token(mail.outbox[-1])
    eva = UserFactory(email="eva@ekstern.example.org")  # made an account meanwhile (another invitation)
    client.force_login(eva)
    response = client.post(reverse("accounts:invitation-accept", args=[token]))
    assert response.status_code == 302 and response["Location"] == reverse("calls:my-reviews")
    assert Reviewer.objects.get(call=call).user == eva


def test_the_invitation_carries_the_reviews_page_and_nothing_off_site(world, call):
    result = services.reviewer_invite(call=call, email="eva@ekstern.example.org", by=world.a.users["facilitator"])
    assert result.invitation.next_url == reverse("calls:my-reviews")
    for bad in ("https://evil.example/calls/reviews/", "//evil.example/", "javascript:alert(1)", "calls/reviews/"):
        with pytest.raises(ValidationError) as error:
            account_services.invitation_create(email="x@example.org", role="", purpose="Test", invited_by=None,
                                               next_url=bad)
        assert "next_url" in error.value.message_dict, bad
    assert not Invitation.objects.filter(email="x@example.org").exists()


def test_an_invitation_whose_page_is_off_site_still_lands_on_the_home_page(client, world):
    """Defence in depth: a stored address not on this site (written past the model's check) is not followed."""
    invitation, token = account_services.invitation_create(email="ny@example.org", role="", purpose="Test",
                                                           invited_by=None)
    Invitation.objects.filter(pk=invitation.pk).update(next_url="https://evil.example/")
    response = client.post(reverse("accounts:invitation-accept", args=[token]), {
        "full_name": "Ny", "password1": "grøn-omstilling-2024", "password2": "grøn-omstilling-2024"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
