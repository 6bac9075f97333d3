"""The participation status rows (programmes/status.py) are what the dashboards, board and homes read: they must
always equal a rebuild from the data, follow every write at once, and follow the date through the nightly task."""

import random
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from municipalities import services as local_services
from municipalities.models import ProgressEntry
from programmes import services
from programmes.models import Milestone, ParticipationStatus
from programmes.status import NIGHTLY_TASK, compute, status_refresh_all
from tests.factories import (
    CohortFactory,
    MunicipalityFactory,
    ParticipationFactory,
    ProgrammeFactory,
    facilitator_of,
    politician_of,
    staff_of,
)

pytestmark = pytest.mark.django_db

COMPARED = ("programme_id", "light", "overdue_milestones", "next_due_on", "latest_entry_id", "latest_entry_on",
            "latest_status", "is_stalled", "last_activity_on", "as_of")


def _rows(rows) -> dict:
    return {row.participation_id: tuple(getattr(row, name) for name in COMPARED) for row in rows}


def _stored() -> dict:
    return _rows(ParticipationStatus.objects.all())


def _rebuilt() -> dict:
    from programmes.models import Participation

    return _rows(compute(Participation.objects.values_list("pk", flat=True)))


def _running_programme(**kwargs):
    today = timezone.localdate()
    return ProgrammeFactory(starts_on=today - timedelta(days=200), ends_on=today + timedelta(days=400), **kwargs)


def _step(rng, step, today, participations, milestones, entries, author):
    action = rng.choice(["create", "create", "update", "complete", "delete", "reassign", "write", "write",
                         "publish", "programme"])
    participation = rng.choice(participations)
    programme = participation.cohort.programme
    for milestone in milestones:  # a refused write may have changed the object in memory, never the row
        milestone.refresh_from_db()
    if action == "create" or (not milestones and action in ("update", "complete", "delete", "reassign")):
        milestones.append(services.milestone_create(
            programme=programme, participation=participation, title_da=f"Milepæl {step}",
            due_on=today + timedelta(days=rng.randint(-60, 60))))
    elif action == "update":
        milestone = rng.choice(milestones)
        services.milestone_update(milestone=milestone, due_on=today + timedelta(days=rng.randint(-30, 30)),
                                  status=rng.choice(Milestone.Status.values))
    elif action == "complete":
        services.milestone_complete(milestone=rng.choice(milestones))
    elif action == "delete":
        milestone = milestones.pop(rng.randrange(len(milestones)))
        services.milestone_delete(milestone=milestone)
    elif action == "reassign":
        milestone = rng.choice(milestones)
        same_programme = [p for p in participations if p.cohort.programme_id == milestone.programme_id]
        services.milestone_update(milestone=milestone, participation=rng.choice(same_programme))
    elif action == "write":
        entries.append(local_services.progress_entry_save(
            participation=participation, by=author, happened_on=today - timedelta(days=rng.randint(0, 90)),
            what_happened=f"Skridt {step}", status=rng.choice(ProgressEntry.Status.values),
            publish=rng.random() < 0.5))
    elif action == "publish" and entries:
        local_services.progress_entry_publish(entry=rng.choice(entries), by=author)
    elif action == "programme":
        programme.refresh_from_db()
        services.programme_update(programme=programme, ends_on=rng.choice(
            [today - timedelta(days=1), today + timedelta(days=400)]))


def test_the_kept_rows_equal_a_rebuild_after_a_long_random_sequence_of_service_calls():
    """Two programmes share a municipality; 150 random writes through the services (milestones made, moved to
    another municipality, re-dated, completed, reopened and deleted; progress written, published and re-rated;
    programme dates moved) leave every row exactly as a rebuild makes it."""
    rng = random.Random(20261205)  # noqa: S311 - a fixed seed: the same sequence every run
    today = timezone.localdate()
    shared = MunicipalityFactory(name="Roskilde")
    programmes = [_running_programme(slug="alpha"), _running_programme(slug="beta")]
    participations = []
    for programme in programmes:
        cohort = CohortFactory(programme=programme)
        participations.append(local_services.participation_enrol(cohort=cohort, municipality=shared))
        participations.append(local_services.participation_enrol(cohort=cohort, municipality=MunicipalityFactory()))
    author = staff_of(shared)
    milestones, entries = [], []
    refused = 0
    for step in range(150):
        try:  # a write the service refuses (e.g. a date outside the programme) must leave the rows as they were
            _step(rng, step, today, participations, milestones, entries, author)
        except ValidationError:
            refused += 1
        assert _stored() == _rebuilt(), f"after step {step}"
    assert refused < 30, refused
    assert len(_stored()) == 4
    assert _stored() == _rebuilt()
    lights = {row[1] for row in _stored().values()}
    assert lights - {"green"}, "the sequence should leave at least one municipality amber or red"


def test_the_nightly_task_moves_a_milestone_into_overdue_and_the_dashboard_shows_it():
    today = timezone.localdate()
    programme = _running_programme()
    participation = ParticipationFactory(cohort=CohortFactory(programme=programme), joined_on=today)
    services.milestone_create(programme=programme, participation=participation, title_da="Workshop",
                              due_on=today + timedelta(days=1))
    row = ParticipationStatus.objects.get(pk=participation.pk)
    assert (row.light, row.overdue_milestones, row.next_due_on) == ("green", 0, today + timedelta(days=1))
    assert status_refresh_all(today=today + timedelta(days=2)) == 1
    row.refresh_from_db()
    assert (row.light, row.overdue_milestones, row.is_stalled, row.as_of) == (
        "amber", 1, True, today + timedelta(days=2))


def test_the_nightly_task_runs_shortly_after_midnight_in_copenhagen():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name=NIGHTLY_TASK)
    assert task.task == "programmes.tasks.status_refresh_all_task" and task.enabled
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("0", "5", "Europe/Copenhagen")


def test_rebuild_command_runs_twice_and_changes_nothing_the_second_time(capsys):
    programme = _running_programme()
    participation = ParticipationFactory(cohort=CohortFactory(programme=programme))
    services.milestone_create(programme=programme, participation=participation, title_da="For sent",
                              due_on=timezone.localdate() - timedelta(days=3))
    ParticipationStatus.objects.all().delete()  # e.g. a database restored from before the rows existed
    call_command("rebuild_status")
    first = _stored()
    call_command("rebuild_status")
    assert _stored() == first == _rebuilt()
    assert first[participation.pk][1] == "amber"
    assert "Rebuilt the status of 1 participations." in capsys.readouterr().out


def test_a_write_shows_on_the_next_request_of_every_page_that_shows_the_light(client):
    """Completing the overdue milestone and publishing an entry reach the politicians' overview, the cohort
    dashboard and the board on the very next request (Danish pages)."""
    today = timezone.localdate()
    programme = _running_programme()
    participation = ParticipationFactory(cohort=CohortFactory(programme=programme), joined_on=today)
    late = [services.milestone_create(programme=programme, participation=participation, title_da=f"Sen {n}",
                                      due_on=today - timedelta(days=n + 1)) for n in range(2)]
    facilitator, politician = facilitator_of(programme), politician_of(programme)
    client.cookies["django_language"] = "da"
    pages = [(politician, "dashboards:programme"), (facilitator, "dashboards:cohort"),
             (facilitator, "programmes:board")]

    def shown(user, name):
        client.force_login(user)
        return client.get(reverse(name, args=[programme.slug])).content.decode()

    for user, name in pages:
        page = shown(user, name)
        assert "2 milepæle er overskredet" in page or "2 overskredne milepæle" in page, name
    services.milestone_complete(milestone=late[0])
    services.milestone_complete(milestone=late[1])
    local_services.progress_entry_save(participation=participation, by=facilitator, happened_on=today,
                                       what_happened="Genbrugspladsen åbnede", publish=True,
                                       status=ProgressEntry.Status.BLOCKED)
    for user, name in pages:
        page = shown(user, name)
        assert "2 milepæle er overskredet" not in page and "2 overskredne milepæle" not in page, name
    assert "Genbrugspladsen åbnede" in shown(politician, "dashboards:programme")
    assert "blokeret" in shown(politician, "dashboards:programme")
