"""Celery tasks of the reports app: ids in, reports/files.py does the work."""

from celery import shared_task


@shared_task(acks_late=True)
def build_report_file_task(report_id: int) -> str:
    """Build one report file that somebody asked for (a briefing PDF, a funder report file, the open data)."""
    from .files import build_report_file

    return build_report_file(report_id)
