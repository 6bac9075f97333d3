"""Community tasks: ids in, a service does the work (published on commit by the services)."""

from celery import shared_task


@shared_task(acks_late=True)
def adoption_notify_task(adoption_id: int) -> int:
    from .services import adoption_notify

    return adoption_notify(adoption_id=adoption_id)


@shared_task(acks_late=True)
def thread_notify_task(thread_id: int) -> int:
    from .services import thread_notify

    return thread_notify(thread_id=thread_id)


@shared_task(acks_late=True)
def post_notify_task(post_id: int) -> int:
    from .services import post_notify

    return post_notify(post_id=post_id)


@shared_task(acks_late=True)
def report_notify_task(report_id: int) -> int:
    from .services import report_notify

    return report_notify(report_id=report_id)
