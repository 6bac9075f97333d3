from tests.authz import Case, everyone

CASES = {
    "municipalities:participation": Case(kwargs=lambda w: {"pk": w.a.participation.pk}, own=everyone(200)),
}
