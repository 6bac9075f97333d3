"""Deletion requests in the admin (issue 15.4): the outcome "erased" is set only by the erasure itself, after a
confirmation, and the person gets an e-mail that their data was erased."""

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import reverse

from accounts import gdpr
from accounts.models import DeletionRequest, User
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "yrsa.brokholm@example.org"
NAME = "Yrsa Brokholm"


@pytest.fixture
def person():
    return UserFactory(email=EMAIL, full_name=NAME, language="da")


@pytest.fixture
def deletion_request(person):
    return DeletionRequest.objects.create(user=person, reason="Jeg er holdt op i kommunen.")


@pytest.fixture
def admin_client(client):
    client.force_login(AdminFactory(email="root@example.org"))
    return client


def _change_url(deletion_request) -> str:
    return reverse("admin:accounts_deletionrequest_change", args=[deletion_request.pk])


def _erase_url(deletion_request) -> str:
    return reverse("admin:accounts_deletionrequest_erase", args=[deletion_request.pk])


def test_saving_the_form_with_outcome_erased_changes_nothing_but_the_note(admin_client, deletion_request, person,
                                                                          mailoutbox):
    page = admin_client.get(_change_url(deletion_request)).content.decode()
    assert 'name="outcome"' not in page  # shown, not editable
    assert _erase_url(deletion_request) in page  # the way to erase is the erasure, after a confirmation
    response = admin_client.post(_change_url(deletion_request), {"outcome": "erased", "note": "Ringede i dag"})
    assert response.status_code == 302
    deletion_request.refresh_from_db()
    person.refresh_from_db()
    assert deletion_request.outcome == DeletionRequest.Outcome.OPEN and deletion_request.handled_at is None
    assert deletion_request.note == "Ringede i dag"
    assert person.erased_at is None and person.email == EMAIL
    assert mailoutbox == []


def test_erasing_from_the_request_page_asks_first_then_erases_and_confirms_by_mail(
        admin_client, deletion_request, person, mailoutbox, django_capture_on_commit_callbacks):
    confirm = admin_client.get(_erase_url(deletion_request))
    assert confirm.status_code == 200 and EMAIL in confirm.content.decode()
    assert f'href="{_change_url(deletion_request)}" class="button cancel-link"' in confirm.content.decode()
    person.refresh_from_db()
    assert person.erased_at is None  # nothing happens before the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(_erase_url(deletion_request), {"confirm": "yes", "note": "Efter anmodning"})
    assert response.status_code == 302 and response["Location"] == _change_url(deletion_request)
    person.refresh_from_db()
    deletion_request.refresh_from_db()
    assert person.erased_at and person.email.endswith("@invalid") and person.full_name == ""
    assert deletion_request.outcome == DeletionRequest.Outcome.ERASED
    assert deletion_request.handled_by.email == "root@example.org" and deletion_request.note == "Efter anmodning"
    [message] = mailoutbox
    assert message.to == [EMAIL]  # the address it had: the one thing still sent there
    assert message.subject == "Dine persondata er slettet"  # the person's language
    assert "Du kan ikke længere logge ind" in message.body
    assert NAME not in message.body and "http://" not in message.body.replace(
        "http://localhost:8000/people/privacy/", "")
    # Done: the button is gone, and the erase page does nothing more
    assert _erase_url(deletion_request) not in admin_client.get(_change_url(deletion_request)).content.decode()
    again = admin_client.post(_erase_url(deletion_request), {"confirm": "yes"})
    assert again.status_code == 302 and len(mailoutbox) == 1


def test_the_confirmation_is_sent_in_english_to_an_english_speaker(mailoutbox, django_capture_on_commit_callbacks):
    person = UserFactory(email="ingrid@example.org", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        gdpr.erase_person(user=person, by=None)
    [message] = mailoutbox
    assert message.to == ["ingrid@example.org"] and message.subject == "Your personal data has been erased"
    with django_capture_on_commit_callbacks(execute=True):
        gdpr.erase_person(user=person, by=None)  # erasing twice sends nothing more
    assert len(mailoutbox) == 1


def test_nothing_is_sent_when_the_erasure_is_rolled_back(mailoutbox, django_capture_on_commit_callbacks):
    person = UserFactory(email="rollback@example.org")
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),  # noqa: PT012
          transaction.atomic()):
        gdpr.erase_person(user=person, by=None)
        raise RuntimeError("the surrounding work failed")
    person.refresh_from_db()
    assert person.erased_at is None and mailoutbox == []  # no "erased" mail for an erasure that did not happen


def test_only_people_who_may_erase_reach_the_erase_page(client, deletion_request, person):
    url = _erase_url(deletion_request)
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]  # anonymous: to the login
    clerk = UserFactory(is_staff=True)  # in the admin, may read and change requests, not erase people
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_deletionrequest",
                                                                          "change_deletionrequest"]))
    client.force_login(User.objects.get(pk=clerk.pk))
    assert client.get(_change_url(deletion_request)).status_code == 200
    assert url not in client.get(_change_url(deletion_request)).content.decode()
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    person.refresh_from_db()
    assert person.erased_at is None
    client.force_login(AdminFactory())
    assert client.get(reverse("admin:accounts_deletionrequest_erase", args=[deletion_request.pk + 999])
                      ).status_code == 404
