from accounts.models import Role, RoleAssignment
from accounts.services import invitation_create
from tests.authz import Case, everyone
from tests.factories import RoleAssignmentFactory, staff_of


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


# --- Team and follow-group -------------------------------------------------------------------

def _staff_member(world):
    return RoleAssignment.objects.get(user=world.a.users["staff"], role=Role.STAFF,
                                      participation=world.a.participation)


def _team_member(world):
    return {"pk": world.a.participation.pk, "member_pk": _staff_member(world).pk}


def _fresh_team_member(world):
    member = RoleAssignment.objects.get(user=staff_of(world.a.participation, department="Indkøb"), role=Role.STAFF)
    return {"pk": world.a.participation.pk, "member_pk": member.pk}


def _politician(world):
    member = RoleAssignment.objects.get(user=world.a.users["politician"], role=Role.POLITICIAN)
    return {"slug": world.a.programme.slug, "member_pk": member.pk}


def _fresh_politician(world):
    member = RoleAssignmentFactory(role=Role.POLITICIAN, programme=world.a.programme,
                                   municipality=world.a.participation.municipality, position="Borgmester")
    return {"slug": world.a.programme.slug, "member_pk": member.pk}


TEAM_EDITORS = everyone(403, admin=200, facilitator=200, staff=200)

CASES.update({
    "accounts:team-invite": Case(kwargs=lambda w: {"pk": w.a.participation.pk}, own=TEAM_EDITORS),
    "accounts:team-member-edit": Case(kwargs=_team_member, own=TEAM_EDITORS),
    "accounts:team-member-remove": Case(kwargs=_fresh_team_member, method="post",
                                        own=everyone(403, admin=302, facilitator=302, staff=302)),
    "accounts:follow-group": Case(kwargs=lambda w: {"slug": w.a.programme.slug}, own=everyone(200)),
    "accounts:follow-group-invite": Case(kwargs=lambda w: {"slug": w.a.programme.slug}, own=FACILITATORS_ONLY),
    "accounts:follow-group-edit": Case(kwargs=_politician, own=FACILITATORS_ONLY),
    "accounts:follow-group-end": Case(kwargs=_fresh_politician, method="post",
                                      own=everyone(403, admin=302, facilitator=302)),
})


# --- Personal data, sessions, privacy (GDPR) ----------------------------------------------------------------
# Each person sees and acts on their own data only: no scope, no object id in the URL.

CASES.update({
    "accounts:my-data": Case(own=everyone(200), scoped=False),
    "accounts:my-data-json": Case(own=everyone(200), scoped=False),
    "accounts:deletion-request": Case(own=everyone(200), scoped=False),
    "accounts:logout-everywhere": Case(method="post", own=everyone(302), scoped=False),
    "accounts:privacy": Case(own=everyone(200), anonymous=200, scoped=False),
})
