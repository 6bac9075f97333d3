"""Data that can be corrected (issue 15.9) and a second pair of eyes before publishing (issue 15.10).

Withdrawing a progress entry (a published one with a reason, kept in the history), editing and removing partner
involvements and measurements, and the review that lets a published entry out of the programme: into the open
data and onto the public showcase. Pages are read in Danish, the default language."""

import importlib
import json
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from municipalities import services
from municipalities.models import Measurement, PartnerInvolvement, ProgressEntry
from programmes.models import Programme
from tests.factories import advisor_of
from tests.municipalities.factories_local import (
    IndicatorFactory,
    MeasurementFactory,
    OrganisationFactory,
    PartnerInvolvementFactory,
    ProgressEntryFactory,
)
from tests.reports.downloads import fetch_report

pytestmark = pytest.mark.django_db

SECRET = "Genbrugsstationen tog imod 40 tons byggeaffald"


@pytest.fixture(autouse=True)
def _danish(client):
    """The pages in Danish, as the users read them (tests/conftest.py makes English the tests' default)."""
    client.cookies["django_language"] = "da"


def _publish_as(user, participation, text=SECRET) -> ProgressEntry:
    """What staff do on the progress form: write and publish in one go."""
    return services.progress_entry_save(participation=participation, by=user, happened_on=date(2022, 5, 1),
                                        what_happened=text, learnings="Borgerne kom.", publish=True)


def _open_data(client, programme) -> str:
    return fetch_report(client, reverse("reports:open-data-json", args=[programme.slug])).content.decode("utf-8")


def _open_data_csv(client, programme) -> str:
    return fetch_report(client, reverse("reports:open-data-csv", args=[programme.slug])).content.decode("utf-8")


def _showcase(client) -> str:
    return client.get(reverse("community:showcase")).content.decode("utf-8")


# --- Withdrawing a progress entry ---------------------------------------------------------------------------

def test_staff_withdraw_a_published_entry_with_a_reason_and_it_leaves_the_programme(client, world):
    side, staff = world.a, world.a.users["staff"]
    entry = ProgressEntryFactory(participation=side.participation, what_happened=SECRET)
    assert SECRET in _open_data(client, side.programme)
    client.force_login(staff)
    detail = client.get(entry.get_absolute_url()).content.decode()
    assert "data-confirm=" in detail and reverse("municipalities:progress-withdraw", args=[entry.pk]) in detail

    response = client.post(reverse("municipalities:progress-withdraw", args=[entry.pk]),
                           {"reason": "Tallene var forkerte"}, follow=True)

    assert "Statusopdateringen er trukket tilbage. Den gemmes i historikken." in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == ProgressEntry.State.WITHDRAWN and entry.withdrawn_by == staff
    # gone from the programme's pages, for everyone …
    for role in ("staff", "politician", "facilitator"):
        client.force_login(side.users[role])
        for url in (side.participation.get_absolute_url(),
                    reverse("municipalities:progress-list", args=[side.participation.pk])):
            assert SECRET[:30] not in client.get(url).content.decode(), (role, url)
    # … and from the open data
    client.logout()
    assert SECRET not in _open_data(client, side.programme)
    assert SECRET not in _open_data_csv(client, side.programme)


def test_the_withdrawal_and_its_reason_are_kept_in_the_history(client, world):
    side = world.a
    entry = ProgressEntryFactory(participation=side.participation, happened_on=date(2022, 6, 3))
    client.force_login(side.users["staff"])
    client.post(reverse("municipalities:progress-withdraw", args=[entry.pk]), {"reason": "Skrevet på den forkerte by"})

    client.force_login(side.users["facilitator"])
    history = client.get(reverse("municipalities:participation-history", args=[side.participation.pk]))
    html = history.content.decode()
    assert "Statusopdateringen fra 03.06.2022 blev trukket tilbage: Skrevet på den forkerte by" in html
    assert str(side.users["staff"]) in html
    # the entry itself is kept and tells those who work on the test why it went
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Trukket tilbage" in page and "Skrevet på den forkerte by" in page
    assert entry.history.filter(state=ProgressEntry.State.WITHDRAWN).exists()


def test_read_only_roles_no_longer_find_a_withdrawn_entry(client, world):
    entry = ProgressEntryFactory(participation=world.a.participation)
    services.progress_entry_withdraw(entry=entry, by=world.a.users["staff"], reason="Fejl")
    for role in ("politician", "observer"):
        client.force_login(world.a.users[role])
        assert client.get(entry.get_absolute_url()).status_code == 404


def test_a_published_entry_needs_a_reason_and_nothing_changes_without_one(client, world):
    entry = ProgressEntryFactory(participation=world.a.participation)
    client.force_login(world.a.users["staff"])
    response = client.post(reverse("municipalities:progress-withdraw", args=[entry.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert "Skriv, hvorfor den offentliggjorte statusopdatering trækkes tilbage." in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == ProgressEntry.State.PUBLISHED
    response = client.post(reverse("municipalities:progress-withdraw", args=[entry.pk]), {"reason": "x" * 501})
    assert response.status_code == 400
    assert "Hold begrundelsen under 500 tegn." in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == ProgressEntry.State.PUBLISHED


def test_english_message_for_a_missing_reason(client, world):
    entry = ProgressEntryFactory(participation=world.a.participation)
    client.force_login(world.a.users["staff"])
    client.cookies["django_language"] = "en"
    response = client.post(reverse("municipalities:progress-withdraw", args=[entry.pk]), {"reason": ""})
    assert "Say why the published entry is withdrawn." in response.content.decode()


def test_a_draft_is_withdrawn_without_a_reason_and_then_kept_as_it_was(client, world):
    participation, staff = world.a.participation, world.a.users["staff"]
    draft = ProgressEntryFactory(participation=participation, state=ProgressEntry.State.DRAFT)
    client.force_login(staff)
    response = client.post(reverse("municipalities:progress-withdraw", args=[draft.pk]), {"reason": ""})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == ProgressEntry.State.WITHDRAWN
    # kept as it was: no editing, no publishing, no second withdrawal
    assert client.get(reverse("municipalities:progress-edit", args=[draft.pk])).status_code == 403
    assert client.post(reverse("municipalities:progress-publish", args=[draft.pk])).status_code == 403
    with pytest.raises(ValidationError):
        services.progress_entry_publish(entry=draft, by=staff)


def test_measurements_and_partners_of_a_withdrawn_entry_leave_with_it(client, world):
    participation, staff = world.a.participation, world.a.users["staff"]
    indicator = IndicatorFactory(participation=participation, name="Genbrugte tons")
    entry = services.progress_entry_save(
        participation=participation, by=world.a.users["facilitator"], happened_on=date(2022, 5, 1),
        what_happened="Målt", measurements=[(indicator, Decimal("77"))],
        partners=[("Hemmelig forening", "civil_society", "Frivillige")], publish=True)
    data = json.loads(_open_data(client, world.a.programme))
    assert [m["value"] for i in data["indicators"] for m in i["measurements"]] == [77]
    assert {p["sector"]: p["organisations"] for p in data["partners_by_sector"]}["civil_society"] == 1
    client.force_login(staff)
    before = client.get(reverse("municipalities:indicators", args=[participation.pk])).content.decode()
    assert "01.05.2022" in before
    assert 'id="measurement-' in before
    client.logout()
    services.progress_entry_withdraw(entry=entry, by=staff, reason="Forkert måling")
    data = json.loads(_open_data(client, world.a.programme))
    assert [m["value"] for i in data["indicators"] for m in i["measurements"]] == []
    assert {p["sector"]: p["organisations"] for p in data["partners_by_sector"]}["civil_society"] == 0
    client.force_login(staff)
    assert "Hemmelig forening" not in client.get(
        reverse("municipalities:partners", args=[participation.pk])).content.decode()
    indicators = client.get(reverse("municipalities:indicators", args=[participation.pk])).content.decode()
    # the measurement's row (its date), not the bare number: "77" may occur in the page's CSRF token
    assert "01.05.2022" not in indicators
    assert 'id="measurement-' not in indicators


def test_the_same_roles_in_the_other_programme_cannot_withdraw(client, world):
    entry = ProgressEntryFactory(participation=world.a.participation)
    for role in ("staff", "facilitator"):
        client.force_login(world.b.users[role])
        response = client.post(reverse("municipalities:progress-withdraw", args=[entry.pk]), {"reason": "Nej"})
        assert response.status_code == 404, role
    client.force_login(world.a.users["advisor"])  # the advisor reviews, but does not withdraw
    assert client.post(reverse("municipalities:progress-withdraw", args=[entry.pk]),
                       {"reason": "Nej"}).status_code == 403
    entry.refresh_from_db()
    assert entry.state == ProgressEntry.State.PUBLISHED


# --- Partner involvements ------------------------------------------------------------------------------------

def test_staff_edit_a_partner_involvement(client, world):
    involvement = PartnerInvolvementFactory(participation=world.a.participation, role="Leverandør")
    client.force_login(world.a.users["staff"])
    partners_page = client.get(reverse("municipalities:partners", args=[world.a.participation.pk])).content.decode()
    assert reverse("municipalities:partner-edit", args=[involvement.pk]) in partners_page
    form = client.get(reverse("municipalities:partner-edit", args=[involvement.pk])).content.decode()
    assert 'value="Leverandør"' in form
    response = client.post(reverse("municipalities:partner-edit", args=[involvement.pk]), {
        "organisation": "Genbyg Aps", "sector": "industry", "role": "Tager imod materialer",
        "starts_on": "2022-02-01", "ends_on": "2022-12-31"}, follow=True)
    assert "Partneren er gemt." in response.content.decode()
    involvement.refresh_from_db()
    assert (involvement.organisation.name, involvement.sector, involvement.role, involvement.ends_on) == (
        "Genbyg Aps", "industry", "Tager imod materialer", date(2022, 12, 31))


def test_a_partner_cannot_end_before_it_starts_and_nothing_is_saved(client, world):
    involvement = PartnerInvolvementFactory(participation=world.a.participation, role="Leverandør")
    client.force_login(world.a.users["facilitator"])
    response = client.post(reverse("municipalities:partner-edit", args=[involvement.pk]), {
        "organisation": involvement.organisation.name, "sector": "business", "role": "Ny rolle",
        "starts_on": "2022-06-01", "ends_on": "2022-01-01"})
    assert response.status_code == 200
    assert "Involveringen kan ikke slutte, før den er begyndt." in response.content.decode()
    involvement.refresh_from_db()
    assert involvement.role == "Leverandør"


def test_staff_remove_a_partner_involvement_after_confirming(client, world):
    involvement = PartnerInvolvementFactory(participation=world.a.participation,
                                            organisation=OrganisationFactory(name="Fejlregistreret A/S"))
    client.force_login(world.a.users["staff"])
    page = client.get(reverse("municipalities:partners", args=[world.a.participation.pk])).content.decode()
    delete_url = reverse("municipalities:partner-delete", args=[involvement.pk])
    form = page[page.index(delete_url) - 200:page.index(delete_url) + 300]
    assert 'data-confirm="Fjern Fejlregistreret A/S fra testens partnere?"' in form
    response = client.post(delete_url, follow=True)
    assert "Fejlregistreret A/S er fjernet fra partnerne." in response.content.decode()
    assert not PartnerInvolvement.objects.filter(pk=involvement.pk).exists()
    assert "Fejlregistreret A/S</td>" not in response.content.decode()


def test_partners_are_changed_only_by_those_who_write_the_test(client, world):
    involvement = PartnerInvolvementFactory(participation=world.a.participation)
    for role in ("advisor", "politician", "observer"):
        client.force_login(world.a.users[role])
        assert client.post(reverse("municipalities:partner-delete", args=[involvement.pk])).status_code == 403
    for role in ("staff", "facilitator"):
        client.force_login(world.b.users[role])
        assert client.post(reverse("municipalities:partner-delete", args=[involvement.pk])).status_code == 404
        assert client.get(reverse("municipalities:partner-edit", args=[involvement.pk])).status_code == 404
    assert PartnerInvolvement.objects.filter(pk=involvement.pk).exists()


# --- Measurements --------------------------------------------------------------------------------------------

def test_staff_edit_a_measurement(client, world):
    measurement = MeasurementFactory(indicator__participation=world.a.participation, value=12)
    client.force_login(world.a.users["staff"])
    page = client.get(reverse("municipalities:indicators", args=[world.a.participation.pk])).content.decode()
    assert reverse("municipalities:measurement-edit", args=[measurement.pk]) in page
    response = client.post(reverse("municipalities:measurement-edit", args=[measurement.pk]),
                           {"measured_on": "2022-07-01", "value": "14,5"}, follow=True)
    assert "Målingen er gemt." in response.content.decode()
    measurement.refresh_from_db()
    assert (measurement.measured_on, measurement.value) == (date(2022, 7, 1), Decimal("14.50"))


def test_a_measurement_with_a_silly_date_or_value_is_refused(client, world):
    measurement = MeasurementFactory(indicator__participation=world.a.participation, value=12)
    client.force_login(world.a.users["staff"])
    url = reverse("municipalities:measurement-edit", args=[measurement.pk])
    response = client.post(url, {"measured_on": "1850-01-01", "value": "13"})
    assert "Angiv en dato mellem 01.01.2000 og 31.12.2099." in response.content.decode()
    response = client.post(url, {"measured_on": "2022-07-01", "value": "mange"})
    assert response.status_code == 200 and "Indtast et tal." in response.content.decode()
    measurement.refresh_from_db()
    assert (measurement.measured_on, measurement.value) == (date(2022, 6, 1), Decimal("12.00"))


def test_staff_delete_a_measurement_after_confirming(client, world):
    measurement = MeasurementFactory(indicator__participation=world.a.participation, measured_on=date(2022, 6, 1))
    client.force_login(world.a.users["facilitator"])
    page = client.get(reverse("municipalities:measurement-edit", args=[measurement.pk])).content.decode()
    assert 'data-confirm="Slet målingen fra 01.06.2022?"' in page
    response = client.post(reverse("municipalities:measurement-delete", args=[measurement.pk]), follow=True)
    assert "Målingen er slettet." in response.content.decode()
    assert not Measurement.objects.filter(pk=measurement.pk).exists()


def test_measurements_are_changed_only_by_those_who_write_the_test(client, world):
    measurement = MeasurementFactory(indicator__participation=world.a.participation)
    for role in ("advisor", "politician", "observer"):
        client.force_login(world.a.users[role])
        assert client.post(reverse("municipalities:measurement-delete", args=[measurement.pk])).status_code == 403
        assert client.get(reverse("municipalities:measurement-edit", args=[measurement.pk])).status_code == 403
    for role in ("staff", "facilitator"):
        client.force_login(world.b.users[role])
        assert client.post(reverse("municipalities:measurement-delete", args=[measurement.pk])).status_code == 404
    assert Measurement.objects.filter(pk=measurement.pk).exists()


# --- A second pair of eyes before publishing ----------------------------------------------------------------

def test_staff_publish_it_is_seen_in_the_programme_but_not_outside_until_accepted(client, world):
    side = world.a
    entry = _publish_as(side.users["staff"], side.participation)
    assert entry.review == ProgressEntry.Review.PENDING
    # inside the programme at once, for the read-only roles too
    client.force_login(side.users["politician"])
    assert SECRET in client.get(reverse("municipalities:progress-list", args=[side.participation.pk])
                                ).content.decode()
    assert SECRET in client.get(entry.get_absolute_url()).content.decode()
    # not in the open data, not on the showcase
    client.logout()
    client.cookies["django_language"] = "da"
    assert SECRET not in _open_data(client, side.programme)
    assert SECRET not in _open_data_csv(client, side.programme)
    assert json.loads(_open_data(client, side.programme))["municipalities"][0]["published_progress_entries"] == 0
    assert SECRET[:40] not in _showcase(client)

    client.force_login(side.users["advisor"])
    detail = client.get(entry.get_absolute_url()).content.decode()
    assert "Afventer godkendelse" in detail and "Godkend til offentliggørelse" in detail
    response = client.post(reverse("municipalities:progress-accept", args=[entry.pk]), follow=True)
    assert "Statusopdateringen er godkendt" in response.content.decode()
    entry.refresh_from_db()
    assert entry.review == ProgressEntry.Review.ACCEPTED and entry.reviewed_by == side.users["advisor"]

    client.logout()
    client.cookies["django_language"] = "da"
    assert SECRET in _open_data(client, side.programme)
    assert SECRET in _open_data_csv(client, side.programme)
    showcase = _showcase(client)
    assert "Nyt fra de lokale test" in showcase and SECRET[:40] in showcase


def test_staff_are_told_that_their_publication_waits_for_review(client, world):
    client.force_login(world.a.users["staff"])
    response = client.post(reverse("municipalities:progress-create", args=[world.a.participation.pk]), {
        "happened_on": "2022-05-01", "what_happened": SECRET, "status": "on_track", "publish": "1"}, follow=True)
    html = response.content.decode()
    assert "Statusopdateringen er offentliggjort. En facilitator eller kommunens rådgiver godkender den" in html
    assert "Afventer godkendelse" in html


def test_a_facilitator_accepts_with_htmx(client, world):
    entry = _publish_as(world.a.users["staff"], world.a.participation)
    client.force_login(world.a.users["facilitator"])
    response = client.post(reverse("municipalities:progress-accept", args=[entry.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="publish-state"' in html and "<html" not in html
    assert "Godkendt til de åbne data og det offentlige udstillingsvindue af" in html
    entry.refresh_from_db()
    assert entry.review == ProgressEntry.Review.ACCEPTED


def test_staff_and_the_same_roles_elsewhere_cannot_accept(client, world):
    entry = _publish_as(world.a.users["staff"], world.a.participation)
    for role in ("staff", "politician", "observer"):
        client.force_login(world.a.users[role])
        assert client.post(reverse("municipalities:progress-accept", args=[entry.pk])).status_code == 403, role
    for role in ("facilitator", "advisor", "staff"):
        client.force_login(world.b.users[role])
        assert client.post(reverse("municipalities:progress-accept", args=[entry.pk])).status_code == 404, role
    # the advisor of another municipality in the same programme does not even see this one
    other = _publish_as(world.a.users["staff"], world.a.other_participation)
    client.force_login(world.a.users["advisor"])
    assert client.post(reverse("municipalities:progress-accept", args=[other.pk])).status_code == 404
    entry.refresh_from_db()
    other.refresh_from_db()
    assert entry.review == other.review == ProgressEntry.Review.PENDING


def test_with_the_review_switched_off_a_publication_is_out_at_once(client, world):
    side = world.a
    Programme.objects.filter(pk=side.programme.pk).update(publication_review=False)
    side.participation.cohort.programme.refresh_from_db()
    entry = _publish_as(side.users["staff"], side.participation)
    assert SECRET in _open_data(client, side.programme)
    assert SECRET[:40] in _showcase(client)
    client.force_login(side.users["facilitator"])
    assert "Godkend til offentliggørelse" not in client.get(entry.get_absolute_url()).content.decode()


def test_switching_the_review_off_lets_out_what_waits_and_switching_it_on_keeps_what_is_out(client, world):
    side = world.a
    waiting = _publish_as(side.users["staff"], side.participation, text="Venter på godkendelse")
    Programme.objects.filter(pk=side.programme.pk).update(publication_review=False)
    assert "Venter på godkendelse" in _open_data(client, side.programme)
    side.participation.cohort.programme.refresh_from_db()
    _publish_as(side.users["staff"], side.participation, text="Udgivet uden godkendelse")
    Programme.objects.filter(pk=side.programme.pk).update(publication_review=True)
    data = _open_data(client, side.programme)
    assert "Udgivet uden godkendelse" in data  # it went out while nobody reviewed: it stays out
    assert "Venter på godkendelse" not in data
    waiting.refresh_from_db()
    assert waiting.review == ProgressEntry.Review.PENDING


def test_the_programme_setting_is_on_by_default_and_facilitators_switch_it(client, world):
    from programmes.services import programme_update

    programme = world.a.programme
    assert Programme().publication_review is True
    client.force_login(world.a.users["facilitator"])
    page = client.get(reverse("programmes:edit", args=[programme.slug])).content.decode()
    assert "Gennemsyn før offentliggørelse" in page and 'name="publication_review"' in page
    _publish_as(world.a.users["staff"], world.a.participation)
    assert SECRET not in _open_data(client, programme)
    programme_update(programme=programme, by=world.a.users["facilitator"], publication_review=False)
    assert SECRET in _open_data(client, programme)


def test_what_a_facilitator_publishes_is_accepted_by_them(world):
    entry = _publish_as(world.a.users["facilitator"], world.a.participation)
    assert entry.review == ProgressEntry.Review.ACCEPTED and entry.reviewed_by == world.a.users["facilitator"]


def test_staff_changing_what_goes_out_sends_it_to_review_again(world):
    side = world.a
    entry = ProgressEntryFactory(participation=side.participation, what_happened="Første udgave")
    services.progress_entry_save(participation=side.participation, by=side.users["staff"], entry=entry,
                                 happened_on=entry.happened_on, what_happened="Første udgave",
                                 blockers="Intern note")
    entry.refresh_from_db()
    assert entry.review == ProgressEntry.Review.ACCEPTED  # a working note is not open data
    services.progress_entry_save(participation=side.participation, by=side.users["staff"], entry=entry,
                                 happened_on=entry.happened_on, what_happened="Anden udgave")
    entry.refresh_from_db()
    assert entry.review == ProgressEntry.Review.PENDING


def test_existing_published_entries_count_as_accepted_after_the_migration(world):
    published = ProgressEntryFactory(participation=world.a.participation, review=ProgressEntry.Review.PENDING)
    draft = ProgressEntryFactory(participation=world.a.participation, state=ProgressEntry.State.DRAFT,
                                 review=ProgressEntry.Review.PENDING)
    migration = importlib.import_module("municipalities.migrations.0005_progress_entry_review_and_withdrawal")
    migration.accept_published_entries(apps, None)
    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.review == ProgressEntry.Review.ACCEPTED
    assert draft.review == ProgressEntry.Review.PENDING


# --- The homes list what waits -------------------------------------------------------------------------------

def _home_section(client, key) -> str | None:
    """The HTML of one section of the home page, or None when the page has no such section."""
    html = client.get(reverse("home")).content.decode()
    marker = f'data-section="{key}"'
    if marker not in html:
        return None
    part = html[html.index(marker):]
    return part[:part.index("</section>")]


def test_facilitator_and_advisor_homes_list_the_publications_waiting(client, world):
    waiting = _publish_as(world.a.users["staff"], world.a.participation)
    _publish_as(world.b.users["staff"], world.b.participation, text="Fra det andet program")
    for role in ("facilitator", "advisor"):
        client.force_login(world.a.users[role])
        section = _home_section(client, "publications")
        assert "Offentliggørelser, der venter på din godkendelse" in section, role
        assert waiting.get_absolute_url() in section and str(world.a.participation.municipality) in section
        assert 'data-count="1"' in section
        assert "Fra det andet program" not in section
    client.force_login(world.a.users["staff"])
    assert _home_section(client, "publications") is None
    # accepted: nothing waits any more
    services.progress_entry_accept(entry=waiting, by=world.a.users["advisor"])
    client.force_login(world.a.users["facilitator"])
    section = _home_section(client, "publications")
    assert "Ingen offentliggjorte statusopdateringer venter på din godkendelse." in section
    assert waiting.get_absolute_url() not in section


def test_an_advisor_sees_only_the_municipalities_they_advise(client, world):
    entry = _publish_as(world.a.users["staff"], world.a.other_participation, text="Nabobyens indlæg")
    client.force_login(world.a.users["advisor"])
    assert entry.get_absolute_url() not in _home_section(client, "publications")
    client.force_login(advisor_of(world.a.other_participation))
    assert entry.get_absolute_url() in _home_section(client, "publications")


@pytest.mark.parametrize("role", ["facilitator", "advisor"])
def test_the_list_of_publications_waiting_reads_the_same_queries_at_ten_times_the_data(
        client, world, role, django_assert_max_num_queries):
    def publish(n):
        return [ProgressEntryFactory(participation=world.a.participation, review=ProgressEntry.Review.PENDING,
                                     what_happened=f"Venter {i}") for i in range(n)]

    client.force_login(world.a.users[role])
    client.get(reverse("home"))  # warm up
    publish(1)
    with django_assert_max_num_queries(13):
        section = _home_section(client, "publications")
    assert 'data-count="1"' in section
    publish(10)
    with django_assert_max_num_queries(13):
        section = _home_section(client, "publications")
    assert 'data-count="11"' in section and "Viser de første 5 af 11." in section
    assert section.count("/municipalities/progress/") == 5


def test_the_whole_queue_of_publications_waiting_is_one_click_from_home(client, world):
    """The home page lists the first five; its link leads to every entry waiting, oldest publication first, in
    pages — the reviewer's own programmes and municipalities only."""
    older = [ProgressEntryFactory(participation=world.a.participation, review=ProgressEntry.Review.PENDING,
                                  what_happened=f"Venter {i}") for i in range(6)]
    _publish_as(world.b.users["staff"], world.b.participation, text="Fra det andet program")
    for role in ("facilitator", "advisor"):
        user = world.a.users[role]
        user.language = "da"
        user.save(update_fields=["language"])
        client.force_login(user)
        section = _home_section(client, "publications")
        assert "Alle 6, der venter på godkendelse" in section
        page = client.get(reverse("municipalities:publication-queue"))
        html = page.content.decode()
        assert page.status_code == 200 and "<h1>Offentliggørelser, der venter på din godkendelse</h1>" in html
        positions = [html.index(entry.get_absolute_url() + "#publish-state") for entry in older]
        assert positions == sorted(positions), "oldest publication first"
        assert "Fra det andet program" not in html
    # B's facilitator sees B's entry and none of A's
    client.force_login(world.b.users["facilitator"])
    html = client.get(reverse("municipalities:publication-queue")).content.decode()
    assert "Fra det andet program" in html and older[0].get_absolute_url() not in html
    # the staff who wrote them review nothing: refused
    client.force_login(world.a.users["staff"])
    assert client.get(reverse("municipalities:publication-queue")).status_code == 403
    # with fewer than on the home page, no link; when all are accepted, the page says so
    for entry in older:
        services.progress_entry_accept(entry=entry, by=world.a.users["advisor"])
    client.force_login(world.a.users["facilitator"])
    assert "venter på godkendelse</a>" not in _home_section(client, "publications")
    empty = client.get(reverse("municipalities:publication-queue")).content.decode()
    assert "Ingen offentliggjorte statusopdateringer venter på din godkendelse." in empty


def test_the_queue_of_publications_reads_the_same_queries_at_ten_times_the_data(client, world):
    client.force_login(world.a.users["facilitator"])
    url = reverse("municipalities:publication-queue")
    client.get(url)  # warm up

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    ProgressEntryFactory(participation=world.a.participation, review=ProgressEntry.Review.PENDING)
    baseline = count_queries()
    for i in range(30):
        ProgressEntryFactory(participation=world.a.participation, review=ProgressEntry.Review.PENDING,
                             what_happened=f"Venter {i}")
    assert count_queries() <= baseline
    assert baseline <= 12

def test_staff_changing_a_measurement_of_an_accepted_entry_sends_it_back_for_review(client, world):
    """What goes out with the entry (its figures, in the open data) changed: a second pair of eyes again."""
    entry = _publish_as(world.a.users["staff"], world.a.participation)
    services.progress_entry_accept(entry=entry, by=world.a.users["facilitator"])
    measurement = MeasurementFactory(indicator__participation=world.a.participation, entry=entry, value=12)
    client.force_login(world.a.users["staff"])
    client.post(reverse("municipalities:measurement-edit", args=[measurement.pk]),
                {"measured_on": "2022-05-01", "value": "99"})
    entry.refresh_from_db()
    assert entry.review == ProgressEntry.Review.PENDING
    assert SECRET not in _open_data(client, world.a.programme)


def test_a_refused_partner_leaves_no_new_organisation_behind(client, world):
    from programmes.models import Organisation

    involvement = PartnerInvolvementFactory(participation=world.a.participation, role="Leverandør")
    client.force_login(world.a.users["staff"])
    client.post(reverse("municipalities:partner-edit", args=[involvement.pk]), {
        "organisation": "Helt Ny Organisation ApS", "sector": "business", "role": "Ny rolle",
        "starts_on": "2022-06-01", "ends_on": "2022-01-01"})
    assert not Organisation.objects.filter(name="Helt Ny Organisation ApS").exists()


def test_read_only_roles_get_404_for_the_figures_of_an_entry_they_cannot_see(client, world):
    entry = _publish_as(world.a.users["staff"], world.a.participation)
    services.progress_entry_withdraw(entry=entry, by=world.a.users["staff"], reason="Fejl i tallene")
    measurement = MeasurementFactory(indicator__participation=world.a.participation, entry=entry)
    for role in ("politician", "observer"):
        client.force_login(world.a.users[role])
        assert client.get(reverse("municipalities:measurement-edit", args=[measurement.pk])).status_code == 404
