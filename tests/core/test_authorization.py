from tests.authz import Case, everyone

CASES = {
    "home": Case(own=everyone(200), scoped=False),
    "health": Case(own=everyone(200), anonymous=200, scoped=False),
}
