"""The search page for every role (see tests/authz.py). Everyone who is logged in may search; what each finds is
their own (tests/search/test_search.py checks that it never reaches into another programme), so a foreign
scope answers the same (``scoped=False``)."""

from tests.authz import Case, everyone

CASES = {
    "search:results": Case(own=everyone(200), scoped=False),
}
