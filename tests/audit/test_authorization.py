from tests.authz import Case, everyone

# Facilitators see their own programmes' records and admins everything; a facilitator of another programme
# gets the page too, with only their own records (tests/audit/test_audit.py): not scoped by URL.
AUDIT_READ = everyone(403, admin=200, facilitator=200)

CASES = {
    "audit:list": Case(own=AUDIT_READ, scoped=False),
    "audit:export": Case(own=AUDIT_READ, scoped=False),
}
