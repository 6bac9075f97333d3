"""The authorization matrix: what every role may do with every URL of the project.

Each app's tests/<app>/test_authorization.py defines ``CASES``: one ``Case`` per URL
name. tests/core/test_authorization_matrix.py checks that every URL name of the
project has a case, and runs each case for every role, in its own scope and in a
foreign one (the same role in another programme / municipality). A scoped case runs
a second time on the municipality that programmes A and B both enrol
(``World.on_shared_municipality``): there the foreign staff and advisor hold their
role in the very same municipality, in programme B.

Expected answers:
  200 ok · 302 redirected (login for anonymous, or after a successful write)
  403 forbidden write · 404 may not see it (never reveal it exists) · 410 gone
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "admin", "facilitator", "advisor", "staff", "politician", "observer")
LOGIN = "login"  # expected: a redirect to the login page


@dataclass
class Case:
    """How to reach one URL and what each role gets.

    ``kwargs(world)`` returns the URL's arguments (called anew for each role, so a
    write never sees another role's leftovers). ``own`` maps role → expected answer
    for the object in the user's own scope; ``foreign`` the same for a user holding
    that role elsewhere (defaults: 404 for GET, and for writes 404 unless given).
    """

    kwargs: Callable = lambda world: {}
    method: str = "get"
    data: Callable | None = None
    own: dict = field(default_factory=dict)
    foreign: dict | None = None
    anonymous: object = LOGIN
    htmx: bool = False
    scoped: bool = True  # False: the URL shows each person their own things; foreign answers as own


    def expected(self, role: str, own: bool):
        if role == "anonymous":
            return self.anonymous
        if own or role == "admin" or not self.scoped:
            return self.own[role]
        if self.foreign is not None and role in self.foreign:
            return self.foreign[role]
        return 404


def everyone(status, **overrides) -> dict:
    return {role: overrides.get(role, status) for role in ROLES if role != "anonymous"}
