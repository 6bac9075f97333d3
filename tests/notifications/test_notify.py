"""``notifications.services.notify``, the one way other apps tell people about something that happened: the
centre always, the e-mail as the person chose, never the actor, never a deactivated person; the e-mail task is
idempotent and a broker that is down loses only the e-mail. And the settings page offers the new categories."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from notifications import services
from notifications.content import absolute
from notifications.models import Notification, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def build():
    return _("Waiting for your review"), "Første afsnit\n\nAndet afsnit"


def test_notify_tells_each_person_once_in_their_language_never_the_actor(django_capture_on_commit_callbacks):
    danish, english, actor = UserFactory(language="da"), UserFactory(language="en"), UserFactory()
    gone = UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify(recipients=[danish, english, danish, actor, gone], category="stage_gates",
                                  build=build, url="/x/", actor=actor)
    assert [n.recipient for n in created] == [danish, english]
    assert Notification.objects.get(recipient=danish).title == "Venter på din vurdering"
    assert Notification.objects.get(recipient=english).title == "Waiting for your review"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([danish.email, english.email])
    danish_mail = next(m for m in mail.outbox if m.to == [danish.email])
    assert "Første afsnit" in danish_mail.body and "Andet afsnit" in danish_mail.alternatives[0][0]
    assert absolute("/x/") in danish_mail.body


def test_an_unknown_category_is_refused():
    with pytest.raises(ValueError):
        services.notify(recipients=[UserFactory()], category="gossip", build=build)


def test_a_broker_that_is_down_loses_only_the_mail(monkeypatch, django_capture_on_commit_callbacks):
    from notifications.tasks import send_notification_email_task

    def down(*args, **kwargs):
        raise OperationalError("Redis is down")

    monkeypatch.setattr(send_notification_email_task, "apply_async", down)
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[person], category="moderation", build=build)
    assert Notification.objects.filter(recipient=person).count() == 1 and mail.outbox == []


def test_switching_the_category_off_before_the_mail_goes_out_stops_it(django_capture_on_commit_callbacks):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(recipients=[person], category="community", build=build)
    NotificationPreference.objects.create(user=person, category="community", frequency="off")
    for callback in callbacks:
        callback()
    assert mail.outbox == [] and Notification.objects.get(recipient=person).emailed_at is None


def test_the_settings_page_offers_the_new_categories_and_keeps_choices_a_stale_page_did_not_send(client):
    person = UserFactory()
    NotificationPreference.objects.create(user=person, category="moderation", frequency="weekly")
    client.force_login(person)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Stage gates: submissions and reviews" in page and "Community reports for moderators" in page
    # a page opened before the new categories existed posts only the old ones
    data = {"milestones": "weekly", "escalations": "daily", "meetings": "off", "minutes": "immediately",
            "briefings": "immediately", "progress": "off", "community": "daily"}
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    saved = dict(NotificationPreference.objects.filter(user=person).values_list("category", "frequency"))
    assert saved["community"] == "daily" and saved["moderation"] == "weekly" and saved["stage_gates"] == "immediately"
    # a bad value is still refused, and nothing is saved
    bad = {**data, "community": "weekly", "stage_gates": "hourly"}
    response = client.post(reverse("notifications:preferences"), bad)
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=person, category="community").frequency == "daily"
