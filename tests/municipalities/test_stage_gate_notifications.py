"""Stage gates tell people (issue 15.6): a submitted output reaches the facilitators of its programme (never
the other programme's, never the person who submitted it), an accepted or sent-back output reaches the person
who submitted it; in the notification centre always, by e-mail at once or in a digest as each person chose,
in their language."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from municipalities import services
from municipalities.models import StageGateOutput
from notifications.models import Notification, NotificationPreference
from notifications.services import digest_send
from tests.factories import facilitator_of, staff_of

pytestmark = pytest.mark.django_db


def notes(user):
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def submit(participation, by, title="Indsigter fra interviews"):
    return services.stage_output_submit(participation=participation, by=by, stage="discover",
                                        kind=StageGateOutput.Kind.INSIGHTS, title=title,
                                        body="Vi talte med 14 borgere og 6 virksomheder.")


def test_a_submission_reaches_the_programmes_facilitators_and_nobody_else(world, django_capture_on_commit_callbacks):
    staff, facilitator = world.a.users["staff"], world.a.users["facilitator"]
    second = facilitator_of(world.a.programme, user__email="second-facilitator@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        output = submit(world.a.participation, staff)

    for person in (facilitator, second):
        (note,) = notes(person)
        assert note.category == "stage_gates"
        assert note.title == "By a1 submitted “Indsigter fra interviews” for review"
        assert "Insights and stakeholder map" in note.body and "14 borgere" in note.body
        assert note.url == reverse("municipalities:stages", args=[world.a.participation.pk]) + f"#output-{output.pk}"
        (message,) = mails_to(person)
        assert message.subject == note.title
    assert len(mail.outbox) == 2
    # the one who submitted, the other programme's facilitator and the rest of programme A hear nothing
    for role in ("staff", "advisor", "politician", "observer"):
        assert notes(world.a.users[role]) == []
    for role in ("facilitator", "staff"):
        assert notes(world.b.users[role]) == []
    assert notes(world.admin) == []


def test_the_facilitators_mail_is_in_danish_when_that_is_their_language(world, django_capture_on_commit_callbacks):
    facilitator = world.a.users["facilitator"]
    facilitator.language = "da"
    facilitator.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit(world.a.participation, world.a.users["staff"])
    (message,) = mail.outbox
    assert message.subject == "By a1 har indsendt “Indsigter fra interviews” til vurdering"
    assert message.body.startswith(f"Kære {facilitator.get_short_name()}")
    assert "Leverance: Indsigter og interessentkort. Trin: Afdækning. Program: Program a." in message.body
    assert "Den venter på din vurdering" in message.body
    assert "Åbn det på platformen" in message.body
    assert "Du modtager dette som en notifikation fra platformen" in message.body
    html, _mimetype = message.alternatives[0]
    assert 'lang="da"' in html and "Afmeld disse notifikationer" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/notifications/unsubscribe/" in unsubscribe and unsubscribe in message.body


def test_a_facilitator_who_submits_is_not_told_about_their_own_submission(world, django_capture_on_commit_callbacks):
    facilitator = world.a.users["facilitator"]
    staff_of(world.a.participation, user=facilitator)
    second = facilitator_of(world.a.programme)
    with django_capture_on_commit_callbacks(execute=True):
        submit(world.a.participation, facilitator)
    assert notes(facilitator) == [] and mails_to(facilitator) == []
    assert len(notes(second)) == 1 and len(mails_to(second)) == 1


def test_preferences_decide_the_mail_not_the_notification(world, django_capture_on_commit_callbacks):
    facilitator = world.a.users["facilitator"]
    quiet = facilitator_of(world.a.programme, user__email="quiet@example.org")
    NotificationPreference.objects.create(user=facilitator, category="stage_gates", frequency="daily")
    NotificationPreference.objects.create(user=quiet, category="stage_gates", frequency="off")
    with django_capture_on_commit_callbacks(execute=True):
        submit(world.a.participation, world.a.users["staff"])
    assert mail.outbox == []
    (daily,) = notes(facilitator)
    assert daily.digest == "daily" and daily.emailed_at is None
    (off,) = notes(quiet)
    assert off.digest == "" and off.emailed_at is None  # in the centre only

    assert digest_send(user_id=facilitator.pk, frequency="daily", now=timezone.now()) == 1
    (digest,) = mail.outbox
    assert digest.to == [facilitator.email] and "Indsigter fra interviews" in digest.body
    assert digest_send(user_id=quiet.pk, frequency="daily", now=timezone.now()) == 0


def test_accepting_tells_the_submitter_that_the_municipality_moved_on(world, django_capture_on_commit_callbacks):
    staff, facilitator = world.a.users["staff"], world.a.users["facilitator"]
    colleague = staff_of(world.a.participation.municipality)
    output = submit(world.a.participation, staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.stage_output_review(output=output, by=facilitator, accept=True, comment="Flot arbejde")
    (note,) = notes(staff)
    assert note.title == "Accepted: “Indsigter fra interviews”"
    assert f"{facilitator.get_full_name()} accepted it (Insights and stakeholder map, stage: Discover)." in note.body
    assert "By a1 has moved on to the next stage: Define." in note.body
    assert "Comment: Flot arbejde" in note.body
    (message,) = mail.outbox
    assert message.to == [staff.email] and message.subject == note.title
    assert notes(colleague) == [] and notes(facilitator) == []  # not the team, not the reviewer


def test_sending_back_tells_the_submitter_with_the_comment_in_danish(world, django_capture_on_commit_callbacks):
    staff = world.a.users["staff"]
    staff.language = "da"
    staff.save()
    output = submit(world.a.participation, staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.stage_output_review(output=output, by=world.a.users["facilitator"], accept=False,
                                     comment="Tilføj interessentkortet")
    (note,) = notes(staff)
    assert note.title == "Sendt tilbage til ændring: “Indsigter fra interviews”"
    (message,) = mail.outbox
    assert message.subject == note.title
    assert "har sendt den tilbage til ændring (Indsigter og interessentkort, trin: Afdækning)" in message.body
    assert "Kommentar: Tilføj interessentkortet" in message.body
    assert notes(world.b.users["staff"]) == [] and notes(world.a.users["facilitator"]) == []


def test_a_submitter_who_left_the_team_is_not_told(world, django_capture_on_commit_callbacks):
    staff = world.a.users["staff"]
    output = submit(world.a.participation, staff)
    staff.roles.update(ends_on=timezone.localdate() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.stage_output_review(output=output, by=world.a.users["facilitator"], accept=True)
    assert notes(staff) == [] and mail.outbox == []


def test_a_facilitator_whose_role_ended_is_not_told(world, django_capture_on_commit_callbacks):
    facilitator = world.a.users["facilitator"]
    facilitator.roles.update(ends_on=timezone.localdate() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        submit(world.a.participation, world.a.users["staff"])
    assert notes(facilitator) == [] and mail.outbox == []


def test_submitting_on_the_stages_page_tells_the_facilitator(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.a.users["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("municipalities:stages", args=[world.a.participation.pk]), {
            "kind": StageGateOutput.Kind.INSIGHTS, "title": "Indsigter", "body": "Opsummering", "link": ""})
    assert response.status_code == 302
    assert [n.title for n in notes(world.a.users["facilitator"])] == ["By a1 submitted “Indsigter” for review"]
    assert notes(world.b.users["facilitator"]) == []


def test_a_submission_that_fails_validation_tells_nobody(world, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.stage_output_submit(participation=world.a.participation, by=world.a.users["staff"],
                                     stage="discover", kind=StageGateOutput.Kind.INSIGHTS, title="Tom", body="")
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_the_mail_goes_out_once_even_if_its_task_runs_twice(world, django_capture_on_commit_callbacks):
    from notifications.tasks import send_notification_email_task

    with django_capture_on_commit_callbacks(execute=True):
        submit(world.a.participation, world.a.users["staff"])
    (note,) = notes(world.a.users["facilitator"])
    assert note.emailed_at is not None
    send_notification_email_task.delay(note.pk)  # the broker delivers it again
    assert len(mail.outbox) == 1
