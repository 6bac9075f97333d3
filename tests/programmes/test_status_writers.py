"""Every writer of what a status row summarises keeps the row right: the meeting action made a milestone, and the
admin's saves, reverts and deletes (programmes/status.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Milestone, ParticipationStatus
from programmes.status import compute
from tests.factories import CohortFactory, ParticipationFactory, ProgrammeFactory
from tests.workshops.factories import MeetingFactory
from workshops import services as meeting_services
from workshops.models import Meeting

pytestmark = pytest.mark.django_db


def _running_participation():
    today = timezone.localdate()
    programme = ProgrammeFactory(starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=300))
    return ParticipationFactory(cohort=CohortFactory(programme=programme), joined_on=today)


def _row(participation):
    return ParticipationStatus.objects.get(pk=participation.pk)


def _rebuilt(participation):
    return compute([participation.pk])[0]


def test_an_overdue_milestone_made_from_a_meeting_action_turns_the_light():
    participation = _running_participation()
    programme = participation.cohort.programme
    meeting = MeetingFactory(programme=programme, participation=participation, kind=Meeting.Kind.LOCAL_TEST)
    meeting_services.action_add(meeting=meeting, text="Send the tender", owner=None, make_milestone=True,
                                due_on=timezone.localdate() - timedelta(days=2))
    row = _row(participation)
    assert (row.overdue_milestones, row.light) == (1, "amber") == (_rebuilt(participation).overdue_milestones,
                                                                   _rebuilt(participation).light)


def test_the_admin_keeps_the_rows_right_on_save_and_delete(admin_client):
    participation = _running_participation()
    programme = participation.cohort.programme
    milestone = Milestone.objects.create(programme=programme, participation=participation, title_da="Sen",
                                         due_on=timezone.localdate() + timedelta(days=5))
    url = reverse("admin:programmes_milestone_change", args=[milestone.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update(due_on=(timezone.localdate() - timedelta(days=3)).isoformat(), status=Milestone.Status.PLANNED)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert _row(participation).overdue_milestones == 1
    admin_client.post(reverse("admin:programmes_milestone_delete", args=[milestone.pk]), {"post": "yes"})
    assert _row(participation).overdue_milestones == 0


def test_a_participation_added_in_the_admin_gets_its_row(admin_client):
    today = timezone.localdate()
    programme = ProgrammeFactory(starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=300))
    cohort = CohortFactory(programme=programme)
    from tests.factories import MunicipalityFactory

    municipality = MunicipalityFactory()
    response = admin_client.post(reverse("admin:programmes_participation_add"), {
        "cohort": cohort.pk, "municipality": municipality.pk, "stage": "discover", "joined_on": today.isoformat(),
        "action_plan_url": "", "solution_model": ""})
    assert response.status_code == 302
    row = ParticipationStatus.objects.get(participation__municipality=municipality)
    assert row.as_of == today and row.light == "green"
