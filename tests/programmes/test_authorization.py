from tests.authz import Case, everyone

CASES = {
    "programmes:list": Case(own=everyone(200), scoped=False),
    "programmes:detail": Case(kwargs=lambda w: {"slug": w.a.programme.slug}, own=everyone(200)),
}
