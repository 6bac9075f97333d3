"""The import pages: upload, preview (every row as it will be saved, every problem), confirm or discard, and
the example files. Thin: the target is found with the person's visibility (404), the predicate decides (403),
one service does the work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from circular_cities.downloads import download_response

from . import services
from .examples import XLSX_TYPE, example_csv, example_filename, example_xlsx
from .forms import UploadForm
from .kinds import KINDS, PROGRAMME_KINDS
from .permissions import can_import
from .readers import MAX_ROWS
from .selectors import import_target_for_user_or_404, pending_target_for_user_or_404, recent_imports


def _target(request, kind, *, slug=None, participation_pk=None):
    programme, participation = import_target_for_user_or_404(user=request.user, kind=kind, slug=slug,
                                                             participation_pk=participation_pk)
    if not can_import(request.user, kind=kind, programme=programme, participation=participation):
        raise PermissionDenied
    return programme, participation


def upload_url(kind, programme, participation) -> str:
    if participation is not None:
        return reverse("imports:team-upload", args=[participation.pk])
    return reverse("imports:programme-upload", args=[programme.slug, kind])


def done_url(kind, programme, participation) -> str:
    """Where what the import made is shown."""
    if kind == "team":
        return participation.get_absolute_url() + "#team"
    if kind == "milestones":
        return reverse("programmes:milestones", args=[programme.slug])
    return reverse("programmes:budget", args=[programme.slug])


def _context(kind, programme, participation, **extra) -> dict:
    return {"kind": KINDS[kind], "kind_key": kind, "programme": programme, "participation": participation,
            "upload_url": upload_url(kind, programme, participation),
            "done_url": done_url(kind, programme, participation), "max_rows": MAX_ROWS, **extra}


def _upload(request, kind, programme, participation):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            pending = services.import_upload(session=request.session, kind=kind, upload=form.cleaned_data["file"],
                                             programme=programme, participation=participation)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("imports:preview", token=pending.token)
    return render(request, "imports/upload.html", _context(
        kind, programme, participation, form=form,
        records=recent_imports(kind=kind, programme=programme, participation=participation)))


@login_required
def team_upload(request, pk):
    programme, participation = _target(request, "team", participation_pk=pk)
    return _upload(request, "team", programme, participation)


@login_required
def programme_upload(request, slug, kind):
    if kind not in PROGRAMME_KINDS:
        raise Http404
    programme, participation = _target(request, kind, slug=slug)
    return _upload(request, kind, programme, participation)


def _pending(request, token):
    """The preview kept in this person's session, and its target checked again (404 / 403)."""
    pending = services.pending_get(session=request.session, token=token)
    if pending is None:
        raise Http404
    programme, participation = pending_target_for_user_or_404(user=request.user, pending=pending)
    if not can_import(request.user, kind=pending.kind, programme=programme, participation=participation):
        raise PermissionDenied
    return pending, programme, participation


def _render_preview(request, pending, programme, participation, preview, status=200):
    return render(request, "imports/preview.html", _context(
        pending.kind, programme, participation, pending=pending, preview=preview, form=UploadForm(),
        rows=[(row, preview.kind.display(row)) for row in preview.rows]), status=status)


@login_required
def preview(request, token):
    pending, programme, participation = _pending(request, token)
    target = participation if participation is not None else programme
    return _render_preview(request, pending, programme, participation,
                           services.import_preview(pending=pending, target=target))


@require_POST
@login_required
def confirm(request, token):
    pending, programme, participation = _pending(request, token)
    try:
        record, result = services.import_confirm(pending=pending, programme=programme, participation=participation,
                                                 by=request.user)
    except services.ImportRefused as refused:
        if not refused.preview.errors:
            messages.info(request, _("Nothing to import: every row is already there."))
        return _render_preview(request, pending, programme, participation, refused.preview, status=422)
    except services.AlreadyImported:
        services.pending_drop(session=request.session, token=token)
        messages.info(request, _("This file was imported already."))
        return redirect(done_url(pending.kind, programme, participation))
    services.pending_drop(session=request.session, token=token)
    if pending.kind == "team":
        text = ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", record.rows_saved)
    else:
        text = ngettext("%(count)d row imported.", "%(count)d rows imported.", record.rows_saved)
    messages.success(request, text % {"count": record.rows_saved})
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(done_url(pending.kind, programme, participation))


@require_POST
@login_required
def discard(request, token):
    pending, programme, participation = _pending(request, token)
    services.pending_drop(session=request.session, token=token)
    messages.info(request, _("The file was discarded. Nothing was saved."))
    return redirect(upload_url(pending.kind, programme, participation))


@login_required
def example(request, kind, language, fmt):
    """An example file: the headers in ``language`` and two rows. Nothing of anybody's is in it."""
    if kind not in KINDS or language not in ("da", "en") or fmt not in ("xlsx", "csv"):
        raise Http404
    if fmt == "xlsx":
        return download_response(example_xlsx(kind, language), filename=example_filename(kind, language, "xlsx"),
                                 content_type=XLSX_TYPE)
    return download_response(example_csv(kind, language), filename=example_filename(kind, language, "csv"),
                             content_type="text/csv; charset=utf-8")
