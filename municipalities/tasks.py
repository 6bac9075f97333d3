"""Municipality tasks: ids in, a service does the work (published on commit by the services)."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def stage_output_submitted_notify_task(output_id: int) -> int:
    from .services import stage_output_submitted_notify

    return stage_output_submitted_notify(output_id=output_id)


@shared_task(acks_late=True, ignore_result=True)
def stage_output_reviewed_notify_task(output_id: int) -> int:
    from .services import stage_output_reviewed_notify

    return stage_output_reviewed_notify(output_id=output_id)
