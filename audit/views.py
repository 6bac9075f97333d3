from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from circular_cities.downloads import CSV_TYPE, CsvFormat, download_filename, name_download
from circular_cities.utils import paginate

from .forms import AuditFilterForm
from .permissions import can_view_audit
from .selectors import audit_entries, audit_rows, iter_audit_entries

PER_PAGE = 50


def _filtered(request):
    if not can_view_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, user=request.user)
    form.is_valid()
    return form, audit_rows(user=request.user, filters=form.filters())


@require_GET
@login_required
def audit_list(request):
    """Who changed what, and when, across the programmes the person may audit; filterable, bookmarkable."""
    form, rows = _filtered(request)
    page = paginate(request, rows, per_page=PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "entries": audit_entries(page_rows=list(page.object_list)),
               "query": query.urlencode()}
    template = "audit/audit_list.html#results" if request.htmx else "audit/audit_list.html"
    return render(request, template, context)


@require_GET
@login_required
def audit_export(request):
    """The filtered list as CSV, all pages, streamed a chunk at a time."""
    _form, rows = _filtered(request)
    header = [_("When"), _("Who"), _("Programme"), _("Kind of record"), _("What"), pgettext("audit", "Action"),
              pgettext("audit", "Changes")]

    def table():
        yield header
        for entry in iter_audit_entries(rows=rows):
            yield [formats.date_format(timezone.localtime(entry.when), "d.m.Y H:i"),
                   str(entry.who) if entry.who else _("The system"), entry.programme, entry.kind_label,
                   entry.subject, entry.action, entry.changes_text()]

    # streamed a line at a time, in the reader's CSV format (circular_cities/downloads.py)
    response = StreamingHttpResponse(CsvFormat.for_language().lines(table()), content_type=CSV_TYPE)
    return name_download(response, download_filename("audit",
                                                     f"{timezone.localdate():%Y-%m-%d}", extension="csv"))
