"""The follow-group meeting briefing: a printable page and the same as a PDF (issue 7). Read-only: whoever may
see the meeting may read its briefing; any other meeting, or one the person may not see, answers 404."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from circular_cities.downloads import download_filename

from .briefing import (
    briefing_for_meeting,
    briefing_meeting_get_for_user_or_404,
    briefing_title,
    headline_figures,
    lights_as_of,
    period_text,
)
from .file_views import report_download
from .files import ReportRequest
from .models import ReportFile

BRIEFING_PER_PAGE = 10  # municipalities per screen page


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

    return render(request, "reports/briefing.html", {**context, **build()})


@require_GET
@login_required
def briefing_pdf(request, pk: int):
    """The briefing as a PDF, built by the worker for this reader (it shows what they may see)."""
    meeting = briefing_meeting_get_for_user_or_404(user=request.user, pk=pk)
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    filename = download_filename(_("Briefing"), day, meeting.title[:60] or meeting.pk, get_language() or "da",
                                 extension="pdf")
    return report_download(
        request, ReportRequest.make(ReportFile.Kind.BRIEFING_PDF, programme=meeting.programme, user=request.user,
                                    meeting=meeting),
        filename=filename, title=_("Briefing: %(meeting)s") % {"meeting": meeting.title},
        back_url=reverse("reports:briefing", args=[meeting.pk]))
