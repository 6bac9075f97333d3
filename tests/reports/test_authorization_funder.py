"""Who may read the funder report and download the open data (see reports/permissions.py).

Report: the programme's facilitators, observers, politicians and admins; its staff and advisors see the programme
but not its money (403); everyone else 404. Open data: public for an announced programme, anonymous included."""

from tests.authz import Case, everyone

REPORT_READ = everyone(200, advisor=403, staff=403)
OPEN = everyone(200)
# a report file: the first ask is accepted (202, "being prepared"); the worker builds it (reports/files.py)
FILE_READ = everyone(202, advisor=403, staff=403)
OPEN_FILE = everyone(202)


def slug(w):
    return {"slug": w.a.programme.slug}


CASES = {
    "reports:funder": Case(kwargs=slug, own=REPORT_READ),
    "reports:funder-pdf": Case(kwargs=slug, own=FILE_READ),
    "reports:funder-csv": Case(kwargs=slug, own=FILE_READ),
    "reports:funder-xlsx": Case(kwargs=slug, own=FILE_READ),
    "reports:open-data-csv": Case(kwargs=slug, own=OPEN_FILE, anonymous=202, scoped=False),
    "reports:open-data-json": Case(kwargs=slug, own=OPEN_FILE, anonymous=202, scoped=False),
}
