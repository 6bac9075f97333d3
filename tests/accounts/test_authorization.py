from accounts.models import Role
from accounts.services import invitation_create
from tests.authz import Case, everyone


def _invitation(world):
    invitation, token = invitation_create(
        email="new.person@example.org", role=Role.OBSERVER, programme=world.a.programme,
        invited_by=world.a.users["facilitator"],
    )
    return invitation, token


def _invitation_pk(world):
    return {"pk": _invitation(world)[0].pk}


def _token(world):
    return {"token": _invitation(world)[1]}


FACILITATORS_ONLY = everyone(403, admin=200, facilitator=200)

CASES = {
    "accounts:invitation-list": Case(own=FACILITATORS_ONLY, scoped=False),
    "accounts:invitation-create": Case(own=FACILITATORS_ONLY, scoped=False),
    "accounts:invitation-revoke": Case(kwargs=_invitation_pk, method="post",
                                       own=everyone(404, admin=302, facilitator=302)),
    "accounts:invitation-resend": Case(kwargs=_invitation_pk, method="post",
                                       own=everyone(404, admin=302, facilitator=302)),
    # Public: whoever holds the link may open it (the token is the secret).
    "accounts:invitation-accept": Case(kwargs=_token, own=everyone(200), anonymous=200, scoped=False),
    "accounts:set-language": Case(method="post", data=lambda w: {"language": "en", "next": "/"},
                                  own=everyone(302), anonymous=302, scoped=False),
}
