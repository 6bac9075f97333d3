"""Local tests: every write validates, and a refused photo or field leaves nothing behind."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from municipalities import services
from municipalities.models import (
    EntryComment,
    Measurement,
    ProgressEntry,
    ProgressPhoto,
    StageGateOutput,
)
from programmes.models import Milestone
from tests.factories import MilestoneFactory
from tests.municipalities.factories_local import (
    AdvisorySessionFactory,
    AgreedActionFactory,
    IndicatorFactory,
    OrganisationFactory,
    ProgressEntryFactory,
    StageGateOutputFactory,
    photo_upload,
)

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "private"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_entry_with_photos_measurement_and_milestone(world):
    participation, staff = world.a.participation, world.a.users["staff"]
    indicator = IndicatorFactory(participation=participation)
    milestone = MilestoneFactory(programme=world.a.programme, participation=participation)
    entry = services.progress_entry_save(
        participation=participation, by=staff, happened_on=date(2022, 5, 1), what_happened="Workshop",
        status="at_risk", milestones=[milestone], photos=[photo_upload(), photo_upload(name="b.png")],
        measurements=[(indicator, 17)])
    assert entry.state == ProgressEntry.State.DRAFT and entry.author == staff
    assert entry.photos.count() == 2 and len(stored_files()) == 4  # image + thumbnail each
    assert list(entry.milestones.all()) == [milestone]
    assert Measurement.objects.get(entry=entry).measured_on == date(2022, 5, 1)
    services.progress_entry_publish(entry=entry, by=staff)
    entry.refresh_from_db()
    assert entry.is_published and entry.published_at


def test_edits_keep_history(world):
    participation, staff = world.a.participation, world.a.users["staff"]
    entry = services.progress_entry_save(participation=participation, by=staff, happened_on=date(2022, 5, 1),
                                         what_happened="Første udgave")
    services.progress_entry_save(participation=participation, by=staff, entry=entry, happened_on=date(2022, 5, 1),
                                 what_happened="Anden udgave")
    assert [h.what_happened for h in entry.history.order_by("history_id")] == ["Første udgave", "Anden udgave"]


def test_a_bad_photo_refuses_the_whole_entry_and_stores_nothing(world):
    with pytest.raises(ValidationError) as error:
        services.progress_entry_save(participation=world.a.participation, by=world.a.users["staff"],
                                     happened_on=date(2022, 5, 1), what_happened="Workshop",
                                     photos=[photo_upload(), photo_upload(b"<html><script>x</script>", "x.jpg")])
    assert "photos" in error.value.message_dict
    assert ProgressEntry.objects.count() == 0 and ProgressPhoto.objects.count() == 0
    assert stored_files() == []


def test_an_invalid_field_after_the_photos_removes_the_files(world):
    other_indicator = IndicatorFactory(participation=world.a.other_participation)
    with pytest.raises(ValidationError):
        services.progress_entry_save(participation=world.a.participation, by=world.a.users["staff"],
                                     happened_on=date(2022, 5, 1), what_happened="Workshop",
                                     photos=[photo_upload()], measurements=[(other_indicator, 3)])
    assert ProgressEntry.objects.count() == 0 and ProgressPhoto.objects.count() == 0
    assert stored_files() == []


def test_entry_needs_text_and_own_milestones(world):
    with pytest.raises(ValidationError):
        services.progress_entry_save(participation=world.a.participation, by=None, happened_on=date(2022, 5, 1),
                                     what_happened="  ")
    foreign = MilestoneFactory(programme=world.b.programme)
    with pytest.raises(ValidationError):
        services.progress_entry_save(participation=world.a.participation, by=None, happened_on=date(2022, 5, 1),
                                     what_happened="x", milestones=[foreign])
    assert ProgressEntry.objects.count() == 0


def test_comment_needs_a_body(world):
    entry = ProgressEntryFactory(participation=world.a.participation)
    with pytest.raises(ValidationError):
        services.entry_comment_add(entry=entry, by=world.a.users["advisor"], body=" ")
    services.entry_comment_add(entry=entry, by=world.a.users["advisor"], body="Flot")
    assert EntryComment.objects.count() == 1


def test_indicator_names_are_unique_per_municipality(world):
    services.indicator_create(participation=world.a.participation, name="CO2", unit="t", target=5)
    with pytest.raises(ValidationError):
        services.indicator_create(participation=world.a.participation, name="CO2", unit="t")


def test_partner_involvement_dates_in_order(world):
    organisation = OrganisationFactory()
    with pytest.raises(ValidationError):
        services.partner_involvement_add(participation=world.a.participation, organisation=organisation,
                                         sector="research", role="Måler", starts_on=date(2023, 1, 1),
                                         ends_on=date(2022, 1, 1))
    services.partner_involvement_add(participation=world.a.participation, organisation=organisation,
                                     sector="research", role="Måler", starts_on=date(2022, 1, 1))


def test_stage_gate_accept_moves_the_municipality_on_and_return_needs_a_comment(world):
    participation, facilitator = world.a.participation, world.a.users["facilitator"]
    with pytest.raises(ValidationError):
        services.stage_output_submit(participation=participation, by=None, stage="discover", kind="test_plan",
                                     title="Forkert", body="x")
    output = services.stage_output_submit(participation=participation, by=world.a.users["staff"],
                                          stage="discover", kind="insights", title="Indsigter", body="12 interviews")
    with pytest.raises(ValidationError):
        services.stage_output_review(output=output, by=facilitator, accept=False)
    services.stage_output_review(output=output, by=facilitator, accept=False, comment="Mere om brugerne")
    assert StageGateOutput.objects.get(pk=output.pk).state == "returned"
    participation.refresh_from_db()
    assert participation.stage == "discover"
    second = StageGateOutputFactory(participation=participation)
    services.stage_output_review(output=second, by=facilitator, accept=True)
    participation.refresh_from_db()
    assert participation.stage == "define"


def test_agreed_action_becomes_a_milestone_once(world):
    action = AgreedActionFactory(session=AdvisorySessionFactory(participation=world.a.participation),
                                 owner=world.a.users["staff"])
    milestone = services.agreed_action_to_milestone(action=action)
    assert milestone.participation == world.a.participation and milestone.title_da == action.text
    assert milestone.owner == world.a.users["staff"] and milestone.due_on == action.due_on
    assert services.agreed_action_to_milestone(action=action) == milestone
    assert Milestone.objects.filter(participation=world.a.participation).count() == 1


def test_advisory_session_needs_topics(world):
    with pytest.raises(ValidationError):
        services.advisory_session_log(participation=world.a.participation, advisor=world.a.users["advisor"],
                                      held_on=date(2022, 3, 1), topics="")
