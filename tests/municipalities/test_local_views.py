"""Local tests in the pages: who sees what (drafts, photos), the short form with htmx, and every page with data."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities import services
from municipalities.models import EntryComment, ProgressEntry
from tests.factories import MilestoneFactory, staff_of
from tests.municipalities.factories_local import (
    AgreedActionFactory,
    IndicatorFactory,
    MeasurementFactory,
    PartnerInvolvementFactory,
    ProgressEntryFactory,
    StageGateOutputFactory,
    entry_with_photo,
    image_bytes,
    photo_upload,
)

pytestmark = pytest.mark.django_db


def fill(world):
    """Some of everything for municipality A."""
    participation = world.a.participation
    entry = entry_with_photo(participation, world.a.users["staff"])
    indicator = IndicatorFactory(participation=participation)
    for month in (3, 6, 9):
        MeasurementFactory(indicator=indicator, measured_on=date(2022, month, 1), value=10 + month)
    PartnerInvolvementFactory(participation=participation)
    PartnerInvolvementFactory(participation=world.a.other_participation, sector="research")
    StageGateOutputFactory(participation=participation)
    AgreedActionFactory(session__participation=participation)
    services.entry_comment_add(entry=entry, by=world.a.users["advisor"], body="Flot arbejde")
    return entry


PAGES = ["participation", "progress-list", "stages", "indicators", "partners"]


@pytest.mark.parametrize("role", ["admin", "facilitator", "advisor", "staff", "politician", "observer"])
def test_every_page_renders_with_data(client, world, role):
    entry = fill(world)
    client.force_login(world.user(role))
    pk = world.a.participation.pk
    for name in PAGES:
        response = client.get(reverse(f"municipalities:{name}", args=[pk]))
        assert response.status_code == 200, name
        assert "Discover" in response.text or "Afdækning" in response.text, name  # the stage is shown
    detail = client.get(entry.get_absolute_url())
    assert detail.status_code == 200 and "Flot arbejde" in detail.text
    assert client.get(reverse("municipalities:cohort-partners", args=[world.a.cohort.pk])).status_code == 200
    photo = entry.photos.get()
    assert f'src="{reverse("municipalities:photo-thumbnail", args=[photo.pk])}"' in client.get(
        reverse("municipalities:participation", args=[pk])).text
    if role not in ("politician", "observer"):
        advisory = client.get(reverse("municipalities:advisory", args=[pk]))
        assert advisory.status_code == 200 and "Aftalt handling" in advisory.text


def test_photo_is_streamed_privately_and_hidden_from_other_municipalities(client, world):
    entry = entry_with_photo(world.a.participation, world.a.users["staff"])
    photo = entry.photos.get()
    client.force_login(world.a.users["politician"])
    for name in ("municipalities:photo", "municipalities:photo-thumbnail"):
        response = client.get(reverse(name, args=[photo.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    # Staff of another municipality in the same cohort: 404 on the entry and both photo URLs.
    client.force_login(staff_of(world.a.other_participation.municipality))
    assert client.get(entry.get_absolute_url()).status_code == 404
    assert client.get(reverse("municipalities:photo", args=[photo.pk])).status_code == 404
    assert client.get(reverse("municipalities:photo-thumbnail", args=[photo.pk])).status_code == 404


def test_drafts_are_for_the_team_advisor_and_facilitators(client, world):
    draft = entry_with_photo(world.a.participation, world.a.users["staff"], publish=False)
    published = ProgressEntryFactory(participation=world.a.participation, what_happened="Offentlig nyhed")
    photo = draft.photos.get()
    for role in ("staff", "advisor", "facilitator", "admin"):
        client.force_login(world.user(role))
        assert client.get(draft.get_absolute_url()).status_code == 200, role
        assert client.get(reverse("municipalities:photo", args=[photo.pk])).status_code == 200, role
    for role in ("politician", "observer"):
        client.force_login(world.user(role))
        assert client.get(draft.get_absolute_url()).status_code == 404, role
        assert client.get(reverse("municipalities:photo", args=[photo.pk])).status_code == 404, role
        listing = client.get(reverse("municipalities:progress-list", args=[world.a.participation.pk])).text
        assert "Offentlig nyhed" in listing and draft.what_happened not in listing
        assert client.get(published.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", ["politician", "observer", "advisor"])
def test_read_only_roles_get_403_on_writes(client, world, role):
    entry = ProgressEntryFactory(participation=world.a.participation)
    client.force_login(world.user(role))
    pk = world.a.participation.pk
    assert client.post(reverse("municipalities:progress-create", args=[pk]),
                       {"happened_on": "2022-01-01", "what_happened": "x", "status": "on_track"}).status_code == 403
    assert client.post(reverse("municipalities:indicators", args=[pk]),
                       {"action": "indicator", "name": "x", "unit": "t", "direction": "higher"}).status_code == 403
    assert client.post(reverse("municipalities:partners", args=[pk]), {}).status_code == 403
    assert client.post(reverse("municipalities:stages", args=[pk]), {}).status_code == 403
    assert client.post(reverse("municipalities:progress-edit", args=[entry.pk]), {}).status_code == 403
    if role != "advisor":
        assert client.post(reverse("municipalities:progress-comment", args=[entry.pk]),
                           {"body": "x"}).status_code == 403
    assert ProgressEntry.objects.count() == 1


def test_short_form_with_htmx_saves_a_draft_with_photos_and_a_measurement(client, world):
    indicator = IndicatorFactory(participation=world.a.participation)
    client.force_login(world.a.users["staff"])
    url = reverse("municipalities:progress-create", args=[world.a.participation.pk])
    form = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-encoding="multipart/form-data"' in form.text and "<html" not in form.text
    response = client.post(url, {"happened_on": "2022-05-01", "what_happened": "Prøve", "status": "at_risk",
                                 "indicator": indicator.pk, "value": "12.5",
                                 "photos": [photo_upload(), photo_upload(image_bytes("PNG"), "b.png", "image/png")]},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and "saved as a draft" in response.text or "kladde" in response.text
    entry = ProgressEntry.objects.get()
    assert entry.state == "draft" and entry.photos.count() == 2
    assert entry.measurements.get().value == 12.5
    published = client.post(reverse("municipalities:progress-publish", args=[entry.pk]),
                             headers={"HX-Request": "true"})
    assert published.status_code == 200
    entry.refresh_from_db()
    assert entry.is_published


def test_advisor_comments_with_htmx(client, world):
    entry = ProgressEntryFactory(participation=world.a.participation)
    client.force_login(world.a.users["advisor"])
    response = client.post(reverse("municipalities:progress-comment", args=[entry.pk]), {"body": "Godt"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Godt" in response.text
    assert EntryComment.objects.get().author == world.a.users["advisor"]


def test_facilitator_accepts_a_stage_gate_output(client, world):
    output = StageGateOutputFactory(participation=world.a.participation)
    client.force_login(world.a.users["facilitator"])
    response = client.post(reverse("municipalities:stage-output-review", args=[output.pk]), {"decision": "accept"})
    assert response.status_code == 302
    world.a.participation.refresh_from_db()
    assert world.a.participation.stage == "define"


def test_staff_submit_an_output_add_an_indicator_measurement_and_a_partner(client, world):
    client.force_login(world.a.users["staff"])
    pk = world.a.participation.pk
    assert client.post(reverse("municipalities:stages", args=[pk]),
                       {"kind": "insights", "title": "Indsigter", "body": "x"}).status_code == 302
    assert client.post(reverse("municipalities:indicators", args=[pk]),
                       {"action": "indicator", "name": "Tons", "unit": "t", "target": "5",
                        "direction": "higher"}).status_code == 302
    indicator = world.a.participation.indicators.get()
    assert client.post(reverse("municipalities:indicators", args=[pk]),
                       {"action": "measurement", "indicator": indicator.pk, "measured_on": "2022-02-01",
                        "value": "3"}).status_code == 302
    assert client.post(reverse("municipalities:partners", args=[pk]),
                       {"organisation": "Lokalt vaskeri (test)", "sector": "business", "role": "Vasker",
                        "starts_on": "2022-01-01"}).status_code == 302
    page = client.get(reverse("municipalities:indicators", args=[pk])).text
    assert 'role="img"' in page and "stroke-dasharray" in page


def test_advisor_logs_a_session_and_an_action_that_becomes_a_milestone(client, world):
    client.force_login(world.a.users["advisor"])
    pk = world.a.participation.pk
    assert client.post(reverse("municipalities:advisory", args=[pk]),
                       {"held_on": "2022-03-01", "topics": "Testplan", "advice": "Start småt"}).status_code == 302
    session = world.a.participation.advisory_sessions.get()
    assert client.post(reverse("municipalities:action-add", args=[session.pk]),
                       {"text": "Ring til vaskeriet", "owner": world.a.users["staff"].pk,
                        "due_on": "2022-04-01"}).status_code == 302
    action = session.actions.get()
    assert client.post(reverse("municipalities:action-milestone", args=[action.pk])).status_code == 302
    action.refresh_from_db()
    assert action.milestone.title_da == "Ring til vaskeriet" and action.milestone.owner == world.a.users["staff"]


def test_my_municipalities_flags_stalled_tests(client, world):
    today = timezone.localdate()
    world.a.programme.ends_on = today + timedelta(days=365)
    world.a.programme.save()
    ProgressEntryFactory(participation=world.a.participation, happened_on=today - timedelta(days=3))
    client.force_login(world.a.users["advisor"])
    page = client.get(reverse("municipalities:my-municipalities"))
    assert page.status_code == 200 and "Stalled" not in page.text.split("<tbody>")[1]
    MilestoneFactory(programme=world.a.programme, participation=world.a.participation,
                     due_on=date(2022, 1, 1))
    page = client.get(reverse("municipalities:my-municipalities"))
    assert "overdue milestone" in page.text or "forfalden" in page.text
    client.force_login(world.a.users["facilitator"])
    page = client.get(reverse("municipalities:my-municipalities"))
    assert str(world.a.other_participation.municipality) in page.text  # no entry since 2021: stalled


def test_stalled_selector_for_the_facilitator_home_page(world):
    from municipalities.selectors import stalled_participations

    today = timezone.localdate()
    facilitator = world.a.users["facilitator"]
    assert list(stalled_participations(user=facilitator)) == []  # the programme has ended
    world.a.programme.ends_on = today + timedelta(days=365)
    world.a.programme.save()
    ProgressEntryFactory(participation=world.a.participation, happened_on=today - timedelta(days=2))
    ProgressEntryFactory(participation=world.a.shared_participation, happened_on=today - timedelta(days=2))
    ProgressEntryFactory(participation=world.a.other_participation, happened_on=today - timedelta(weeks=5))
    assert list(stalled_participations(user=facilitator)) == [world.a.other_participation]
    ProgressEntryFactory(participation=world.a.other_participation, happened_on=today, state="draft")
    assert list(stalled_participations(user=facilitator)) == [world.a.other_participation]  # drafts do not count


def test_the_short_form_registers_a_partner_involved(client, world):
    client.force_login(world.a.users["staff"])
    url = reverse("municipalities:progress-create", args=[world.a.participation.pk])
    refused = client.post(url, {"happened_on": "2022-05-01", "what_happened": "x", "status": "on_track",
                                "partner": "Lokal skole (test)"})
    assert refused.status_code == 200 and ProgressEntry.objects.count() == 0
    assert client.post(url, {"happened_on": "2022-05-01", "what_happened": "x", "status": "on_track",
                             "partner": "Lokal skole (test)", "partner_sector": "public",
                             "partner_role": "Testsite"}).status_code == 302
    entry = ProgressEntry.objects.get()
    involvement = entry.partner_involvements.select_related("organisation").get()
    assert involvement.organisation.name == "Lokal skole (test)" and involvement.starts_on == date(2022, 5, 1)
    assert involvement.organisation.kind == "public_body"
    assert "Lokal skole (test)" in client.get(entry.get_absolute_url()).text


def test_editing_an_entry_with_htmx_leads_back_to_the_entry_not_to_a_blank_new_form(client, world):
    """The edit page posts with htmx too: after saving, the person sees the corrected entry, not an empty
    'New progress entry' form under the 'Edit' heading, whose next save would create a second entry."""
    staff = world.a.users["staff"]
    staff.language = "da"
    staff.save(update_fields=["language"])
    entry = ProgressEntryFactory(participation=world.a.participation, author=staff, what_happened="Førsteudkast")
    client.force_login(staff)
    response = client.post(reverse("municipalities:progress-edit", args=[entry.pk]),
                           {"happened_on": entry.happened_on.isoformat(), "what_happened": "Rettet tekst",
                            "status": "on_track", "save": "draft"}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == entry.get_absolute_url()
    page = client.get(response["HX-Redirect"]).text
    assert "Rettet tekst" in page and "Statusopdateringen er " in page  # the notice: saved or published
    assert ProgressEntry.objects.count() == 1


def test_a_measurement_reads_as_a_danish_number_on_the_entry_and_in_the_list(client, world):
    staff = world.a.users["staff"]
    staff.language = "da"
    staff.save(update_fields=["language"])
    indicator = IndicatorFactory(participation=world.a.participation, name="Genbrugte møbler", unit="stk")
    entry = ProgressEntryFactory(participation=world.a.participation, author=staff)
    MeasurementFactory(indicator=indicator, entry=entry, measured_on=entry.happened_on, value="1234.5")
    client.force_login(staff)
    for url in (entry.get_absolute_url(), reverse("municipalities:progress-list", args=[world.a.participation.pk])):
        page = client.get(url).text
        assert "Genbrugte møbler: 1.234,50 stk" in page, url
    table = client.get(reverse("municipalities:indicators", args=[world.a.participation.pk])).text
    assert ">1.234,50 stk</td>" in table and "1234,5" not in table


def test_a_measurement_on_an_entry_before_the_programme_says_so_at_the_value(client, world):
    """An entry may be dated up to a year before the programme, a measurement may not: the person is told at the
    measured value why, not with a date range above the form that contradicts the date field's own."""
    staff = world.a.users["staff"]
    staff.language = "da"
    staff.save(update_fields=["language"])
    indicator = IndicatorFactory(participation=world.a.participation)
    before = world.a.programme.starts_on - timedelta(days=30)
    client.force_login(staff)
    response = client.post(reverse("municipalities:progress-create", args=[world.a.participation.pk]),
                           {"happened_on": before.isoformat(), "what_happened": "Før start", "status": "on_track",
                            "indicator": indicator.pk, "value": "12.5", "save": "draft"})
    assert response.context["form"].errors["value"] == [
        "Målingen får opdateringens dato: Angiv en dato mellem {} og {}.".format(
            world.a.programme.starts_on.strftime("%d.%m.%Y"), world.a.programme.ends_on.strftime("%d.%m.%Y"))]
    assert not response.context["form"].non_field_errors()
    assert ProgressEntry.objects.count() == 0
