from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Role, User
from accounts.services import invitation_accept, invitation_create
from tests.factories import DEMO_PASSWORD, ProgrammeFactory, UserFactory, facilitator_of

pytestmark = pytest.mark.django_db


def test_facilitator_invites_a_person_who_gets_the_mail(client, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    facilitator = facilitator_of(programme)
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:invitation-create"), {
            "email": "observer@example.org", "full_name": "Olga", "language": "en", "role": Role.OBSERVER,
            "programme": programme.pk,
        })
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.programme, invitation.invited_by) == (Role.OBSERVER, programme, facilitator)
    assert mail.outbox[0].to == ["observer@example.org"]
    listing = client.get(reverse("accounts:invitation-list"))
    assert "observer@example.org" in listing.content.decode()


def test_facilitator_cannot_invite_into_a_programme_they_do_not_run(client):
    own, foreign = ProgrammeFactory(), ProgrammeFactory()
    client.force_login(facilitator_of(own))
    response = client.post(reverse("accounts:invitation-create"), {
        "email": "x@example.org", "language": "da", "role": Role.FACILITATOR, "programme": foreign.pk,
    })
    assert response.status_code == 200
    assert "programme" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_facilitator_cannot_invite_an_admin(client):
    programme = ProgrammeFactory()
    client.force_login(facilitator_of(programme))
    response = client.post(reverse("accounts:invitation-create"), {
        "email": "x@example.org", "language": "da", "role": Role.ADMIN,
    })
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_invitation_missing_its_scope_shows_the_error_on_the_form(client):
    client.force_login(facilitator_of(ProgrammeFactory()))
    response = client.post(reverse("accounts:invitation-create"), {
        "email": "x@example.org", "language": "en", "role": Role.STAFF,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["participation"]
    assert not Invitation.objects.exists()


def _invite(**kwargs):
    kwargs.setdefault("email", "invitee@example.org")
    return invitation_create(role=Role.OBSERVER, programme=ProgrammeFactory(), invited_by=None, **kwargs)


def test_invitee_sets_a_password_and_lands_on_the_home_page(client):
    invitation, token = _invite(full_name="Ida Invitee")
    url = reverse("accounts:invitation-accept", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "invitee@example.org" in page.content.decode()
    response = client.post(url, {"full_name": "Ida Invitee", "password1": "grøn-omstilling-2024",
                                 "password2": "grøn-omstilling-2024"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"].email == "invitee@example.org"
    assert invitation.programme.name in response.content.decode()


def test_mismatched_or_weak_passwords_create_nothing(client):
    _invitation, token = _invite()
    url = reverse("accounts:invitation-accept", args=[token])
    response = client.post(url, {"full_name": "X", "password1": "grøn-omstilling-2024", "password2": "other-one-99"})
    assert response.context["form"].errors["password2"]
    response = client.post(url, {"full_name": "X", "password1": "12345678901", "password2": "12345678901"})
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="invitee@example.org").exists()


@pytest.mark.parametrize("language,expired_text,used_text", [
    ("da", "Invitationen er udløbet", "Invitationen er allerede brugt"),
    ("en", "This invitation has expired", "This invitation has already been used"),
])
def test_expired_and_reused_links_get_a_clear_page(client, language, expired_text, used_text):
    client.cookies["django_language"] = language
    invitation, token = _invite()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.get(reverse("accounts:invitation-accept", args=[token]))
    assert expired.status_code == 410
    assert expired_text in expired.content.decode()

    _invitation, token = _invite(email="second@example.org")
    invitation_accept(token=token, full_name="S", password="grøn-omstilling-2024")
    reused = client.get(reverse("accounts:invitation-accept", args=[token]))
    assert reused.status_code == 410
    assert used_text in reused.content.decode()


def test_unknown_link_is_not_found(client):
    assert client.get(reverse("accounts:invitation-accept", args=["not-a-token"])).status_code == 404


def test_existing_account_is_asked_to_log_in_then_accepts(client):
    person = UserFactory(email="invitee@example.org")
    _invitation, token = _invite()
    url = reverse("accounts:invitation-accept", args=[token])
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(person)
    assert client.get(url).status_code == 200
    client.post(url)
    assert person.roles.filter(role=Role.OBSERVER).exists()


def test_open_signup_is_closed(client):
    response = client.post(reverse("account_signup"), {"email": "me@example.org", "password1": "grøn-omstilling-2024",
                                                       "password2": "grøn-omstilling-2024"})
    assert response.status_code == 200
    assert not User.objects.filter(email="me@example.org").exists()


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_admin_site_refuses_people_without_admin_access(client):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302  # to the login, never the admin


def test_facilitators_must_set_up_mfa_before_anything_else(client, settings):
    settings.REQUIRE_MFA_FOR_PRIVILEGED = True
    facilitator = facilitator_of(ProgrammeFactory())
    client.post(reverse("account_login"), {"login": facilitator.email, "password": DEMO_PASSWORD})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password once more before a second factor is set up
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 302 and reverse("account_reauthenticate") in activate["Location"]
    client.post(activate["Location"], {"password": DEMO_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "otpauth://" in page.content.decode() or "svg" in page.content.decode()


def test_staff_without_mfa_are_not_forced(client, settings):
    from tests.factories import MunicipalityFactory, staff_of

    settings.REQUIRE_MFA_FOR_PRIVILEGED = True
    client.force_login(staff_of(MunicipalityFactory()))
    assert client.get(reverse("home")).status_code == 200


def test_failed_logins_are_rate_limited(client):
    user = UserFactory(email="target@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": DEMO_PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session  # even the right password is refused while limited


def test_login_with_right_password_reaches_home(client):
    UserFactory(email="ok@example.org")
    response = client.post(reverse("account_login"), {"login": "ok@example.org", "password": DEMO_PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")


def test_language_switch_is_remembered_on_the_account(client):
    user = UserFactory(language="da")
    client.force_login(user)
    assert "Hej" in client.get(reverse("home")).content.decode()
    client.post(reverse("accounts:set-language"), {"language": "en", "next": reverse("home")})
    user.refresh_from_db()
    assert user.language == "en"
    assert "Hello" in client.get(reverse("home")).content.decode()


def test_language_switch_ignores_foreign_redirects(client):
    response = client.post(reverse("accounts:set-language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_password_reset_mails_a_working_link(client):
    import re

    UserFactory(email="forgetful@example.org")
    client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
                           {"password1": "ny-grøn-kode-2025", "password2": "ny-grøn-kode-2025"})
    assert response.status_code == 302
    assert User.objects.get(email="forgetful@example.org").check_password("ny-grøn-kode-2025")


def test_unverified_email_cannot_log_in_until_verified(client):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="unverified@example.org")
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert any("unverified@example.org" in m.to for m in mail.outbox)


@pytest.mark.parametrize("value", ["²", "٣", "1" * 30, "x"])
def test_odd_ids_in_the_invitation_links_prefill_nothing_and_never_fail(client, world, value):
    """Unicode digits pass str.isdigit() but not int(): the form opens empty instead of answering 500."""
    client.force_login(world.a.users["facilitator"])
    for name in ("programme", "participation", "municipality"):
        response = client.get(reverse("accounts:invitation-create"), {name: value})
        assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "٣"])
def test_odd_cohort_filter_on_the_politicians_overview_shows_everything(client, world, value):
    client.force_login(world.a.users["politician"])
    response = client.get(reverse("dashboards:programme", args=[world.a.programme.slug]), {"cohort": value})
    assert response.status_code == 200 and response.context["cohort_id"] is None
