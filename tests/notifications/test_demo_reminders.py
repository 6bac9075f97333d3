"""Issue 18.4: right after `load_demo`, a real Celery worker and beat send the running demo programme's first
milestone and meeting reminders, by e-mail and in the notification centre, within the scan interval — through
the ordinary engine: the demo data is only dated so that the default rules have reminders due that day.

Skipped on a laptop without PostgreSQL and Redis (as the other real-worker tests)."""


import pytest

from notifications.models import Delivery, Kind, Notification
from programmes.demo import demo_email, load_demo
from tests.notifications import test_real_services as real

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

celery = real.celery  # the real worker and beat, Redis as broker, the live PostgreSQL test database
smtp = real.smtp  # the test's own SMTP server
SCAN_SECONDS = 5
MILESTONE_KINDS = {Kind.MILESTONE_BEFORE, Kind.MILESTONE_DUE, Kind.MILESTONE_OVERDUE_OWNER,
                   Kind.MILESTONE_OVERDUE_ADVISOR, Kind.MILESTONE_OVERDUE_FACILITATORS}
MEETING_KINDS = {Kind.MEETING_BEFORE, Kind.RSVP_NUDGE}


def sent(programme, kinds) -> list[Delivery]:
    return list(Delivery.objects.filter(programme=programme, kind__in=kinds, state=Delivery.State.SENT)
                .select_related("recipient"))


def test_the_running_programme_s_first_reminders_go_out_within_the_scan_interval(celery, smtp):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from notifications.schedule import SCAN, setup_reminder_schedule

    running = load_demo()["running"]
    setup_reminder_schedule()  # (a transactional test starts from an emptied database)
    every = IntervalSchedule.objects.get_or_create(every=SCAN_SECONDS, period=IntervalSchedule.SECONDS)[0]
    PeriodicTask.objects.filter(name=SCAN).update(interval=every)
    assert not Delivery.objects.exists()

    celery.worker()
    celery.beat()
    real.wait_until(lambda: sent(running, MILESTONE_KINDS) and sent(running, MEETING_KINDS), timeout=90,
                    message="a milestone and a meeting reminder of the running programme")
    # (beat's first scan comes one interval after it starts; wait_until fails the test if nothing came in 90 s)

    staff_milestone = [d for d in sent(running, MILESTONE_KINDS) if d.recipient.email == demo_email("staff")]
    assert staff_milestone and "Møbelregistrering i tre institutioner" in staff_milestone[0].subject
    meeting = sent(running, MEETING_KINDS)
    # every sent reminder reached the mail server, to its recipient, and the notification centre
    real.wait_until(lambda: {(d.recipient.email, d.subject) for d in staff_milestone + meeting}
                    <= {(str(m["To"]), " ".join(str(m["Subject"]).split())) for m in smtp.messages},
                    timeout=30, message="the reminder e-mails at the mail server")
    for delivery in staff_milestone + meeting:
        assert Notification.objects.filter(delivery=delivery, recipient=delivery.recipient).exists()
    # nothing of the finished programme: its reminders lie years back
    assert not Delivery.objects.exclude(programme=running).exists()
