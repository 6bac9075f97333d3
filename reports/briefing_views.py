"""The follow-group meeting briefing: a printable page and the same as a PDF (issue 7). Read-only: whoever may
see the meeting may read its briefing; any other meeting, or one the person may not see, answers 404.

Both are kept until the data changes (circular_cities/datacache.py): the page's body and the PDF's bytes, per
meeting and viewer (``briefing_viewer``). The permission check runs on every request, outside what is kept."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from circular_cities.datacache import render_cached
from circular_cities.downloads import download_filename, download_response
from programmes.permissions import programme_meetings_viewer

from .briefing import (
    briefing_document,
    briefing_for_meeting,
    briefing_meeting_get_for_user_or_404,
    briefing_title,
    headline_figures,
    lights_as_of,
    period_text,
)
from .cache import kept

BRIEFING_PER_PAGE = 10  # municipalities per screen page


def briefing_viewer(user, meeting) -> str:
    """Whom a briefing is for (the ``vary`` of what is kept): the municipalities and milestones the person may
    see, and the previous follow-group meeting's decisions when they may see that meeting and read its minutes
    (facilitators also read unpublished minutes: their role is part of the key)."""
    return programme_meetings_viewer(user, meeting.programme)


@require_GET
@login_required
def briefing(request, pk: int):
    meeting = briefing_meeting_get_for_user_or_404(user=request.user, pk=pk)
    programme = meeting.programme
    context = {"meeting": meeting, "programme": programme, "title": briefing_title(meeting)}

    def build() -> dict:
        data = briefing_for_meeting(user=request.user, meeting=meeting)
        # A national programme's briefing covers a hundred municipalities: the screen shows them a page at a
        # time (the figures at the top count them all); the PDF has every one of them.
        page = Paginator(data.municipalities, BRIEFING_PER_PAGE).get_page(request.GET.get("page"))
        return {"briefing": data, "programme": data.programme, "period": period_text(data),
                "lights_as_of": lights_as_of(), "figures": headline_figures(data), "page": page,
                "municipalities": page.object_list}

    return render_cached(request, "reports/briefing.html", context, build,
                         vary=(meeting.pk, briefing_viewer(request.user, meeting)))


@require_GET
@login_required
def briefing_pdf(request, pk: int):
    meeting = briefing_meeting_get_for_user_or_404(user=request.user, pk=pk)

    def build() -> bytes:
        data = briefing_for_meeting(user=request.user, meeting=meeting)
        # Whoever's briefing comes out the same (the same municipalities, milestones and minutes, the same
        # language) gets the same file: rendering is kept under a digest of the content too (reports/pdf.py).
        return briefing_document(data).cached_render()

    # the whole file, per meeting, viewer, language and data version, kept in the process too (reports/cache.py):
    # a warm request computes and fetches nothing but the data version
    content = kept("briefing-pdf", meeting.pk, briefing_viewer(request.user, meeting), build=build, local=True)
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    filename = download_filename(_("Briefing"), day, meeting.title[:60] or meeting.pk, get_language() or "da",
                                 extension="pdf")
    return download_response(content, filename=filename, content_type="application/pdf")
