"""Asking for a report file as a person does: the first answer says it is being prepared, the worker builds it
(here: the task's own function, run as the worker would), the next answer is the file."""

from django.http import HttpResponse

from reports.files import build_report_file
from reports.models import ReportFile


def build_waiting_reports() -> int:
    """Run every asked-for build, as the worker would."""
    waiting = list(ReportFile.objects.filter(status=ReportFile.Status.PENDING).values_list("pk", flat=True))
    for pk in waiting:
        build_report_file(pk)
    return len(waiting)


def fetch_report(client, url, **extra) -> HttpResponse:
    """The answer a person ends up with: the file (as a plain response whose ``content`` can be read), or the
    refusal (403/404) they got at once."""
    first = client.get(url, **extra)
    if first.status_code == 202:
        assert 'id="report-status"' in first.content.decode()
        assert build_waiting_reports() >= 1
        first = client.get(url, **extra)
        assert first.status_code == 200, first.status_code
    if getattr(first, "streaming", False):
        plain = HttpResponse(b"".join(first.streaming_content), status=first.status_code)
        for header, value in first.items():
            plain[header] = value
        return plain
    return first
