import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

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


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    """Plain text, and never a formula when the file is opened in a spreadsheet."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@login_required
def audit_export(request):
    """The filtered list as CSV, all pages, streamed a chunk at a time."""
    _form, rows = _filtered(request)
    header = [_("When"), _("Who"), _("Programme"), _("Kind of record"), _("What"), pgettext("audit", "Action"),
              pgettext("audit", "Changes")]

    def lines():
        writer = csv.writer(_Echo(), lineterminator="\r\n")
        yield "\ufeff" + writer.writerow(header)  # the BOM makes spreadsheets read UTF-8
        for entry in iter_audit_entries(rows=rows):
            yield writer.writerow([_cell(v) for v in (
                formats.date_format(timezone.localtime(entry.when), "d.m.Y H:i"),
                str(entry.who) if entry.who else _("The system"), entry.programme, entry.kind_label, entry.subject,
                entry.action, entry.changes_text())])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
