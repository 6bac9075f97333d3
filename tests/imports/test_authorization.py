from tests.authz import Case, everyone

TEAM_EDITORS = everyone(403, admin=200, facilitator=200, staff=200)
FACILITATORS_ONLY = everyone(403, admin=200, facilitator=200)

CASES = {
    # Whoever may invite to the team imports it (accounts:team-invite); the facilitators import into a programme.
    "imports:team-upload": Case(kwargs=lambda w: {"pk": w.a.participation.pk}, own=TEAM_EDITORS),
    "imports:programme-upload": Case(kwargs=lambda w: {"slug": w.a.programme.slug, "kind": "milestones"},
                                     own=FACILITATORS_ONLY),
    # Example files hold nobody's data.
    "imports:example": Case(kwargs=lambda w: {"kind": "team", "language": "da", "fmt": "xlsx"}, own=everyone(200),
                            scoped=False),
    # A preview lives in the session of the person who uploaded it: from any other session it does not exist
    # (tests/imports/test_imports.py follows one upload through its owner's session).
    "imports:preview": Case(kwargs=lambda w: {"token": "not-in-this-session"}, own=everyone(404), scoped=False),
    "imports:confirm": Case(kwargs=lambda w: {"token": "not-in-this-session"}, method="post", own=everyone(404),
                            scoped=False),
    "imports:discard": Case(kwargs=lambda w: {"token": "not-in-this-session"}, method="post", own=everyone(404),
                            scoped=False),
}
