"""In a real browser, in Danish: every form with a date shows it (an ISO value the date input accepts), and
saving it unchanged keeps the date (issue 15.1). Before, Danish pages wrote 24.01.2024, which the browser's
date input drops: a new progress entry had no date and an edited one lost it."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from municipalities.models import AdvisorySession, AgreedAction, Measurement, PartnerInvolvement, ProgressEntry
from programmes.models import BudgetLine, Spending
from tests.factories import MilestoneFactory, PhaseFactory, build_world
from tests.municipalities.factories_local import IndicatorFactory, ProgressEntryFactory
from tests.workshops.factories import MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def submit(page, field_selector: str, button: str = "button[type=submit]", *, then: str = ""):
    """Press the submit button of the form that holds the field, and wait for the answer (``then``: a selector
    that shows it, for the forms that answer with an htmx swap instead of a page load)."""
    form = page.locator("form", has=page.locator(field_selector)).first
    form.locator(button).first.click()
    if then:
        page.locator(then).first.wait_for()
    page.wait_for_load_state("networkidle")


def shown(page, selector: str) -> str:
    return page.locator(selector).first.input_value()


def test_every_dated_form_keeps_its_date_in_danish(browser_page):
    world = build_world()
    today = timezone.localdate()
    programme = world.a.programme
    programme.ends_on = today + timedelta(days=200)  # so that today is a date the programme takes
    programme.save()
    participation = world.a.participation
    staff, facilitator, advisor = (world.a.users[r] for r in ("staff", "facilitator", "advisor"))
    for person in (staff, facilitator, advisor):
        person.language = "da"  # the pages speak Danish, the language that wrote 24.01.2024 before
        person.save(update_fields=["language"])
    page = browser_page

    # Staff: a new progress entry starts on today's date, and keeps it when saved.
    page.login(staff.email, None)
    assert page.locator("html").get_attribute("lang") == "da"
    page.goto(reverse("municipalities:progress-create", args=[participation.pk]))
    assert shown(page, "#id_happened_on") == today.isoformat()
    page.screenshot("dates-progress-new-da")
    page.fill("#id_what_happened", "Workshop med vaskeriet.")
    submit(page, "#id_happened_on", "button[name=save]", then=".message-success")
    entry = ProgressEntry.objects.get()
    assert entry.happened_on == today

    # Editing an entry shows its date and saving it unchanged keeps it.
    older = ProgressEntryFactory(participation=participation, happened_on=date(2022, 1, 24), state="draft",
                                 author=staff)
    page.goto(reverse("municipalities:progress-edit", args=[older.pk]))
    assert shown(page, "#id_happened_on") == "2022-01-24"
    page.screenshot("dates-progress-edit-da")
    submit(page, "#id_happened_on", "button[name=save]")
    older.refresh_from_db()
    assert older.happened_on == date(2022, 1, 24)

    # Measurement and partner: the date typed is the date stored.
    indicator = IndicatorFactory(participation=participation, unit="tons")
    page.goto(reverse("municipalities:indicators", args=[participation.pk]))
    page.select_option("#id_indicator", str(indicator.pk))
    page.fill("#id_measured_on", "2022-02-01")
    page.fill("#id_value", "-3")  # refused (tonnes cannot be negative): the form comes back with the date kept
    submit(page, "#id_measured_on")
    assert "kan ikke være negativ" in page.content()
    assert shown(page, "#id_measured_on") == "2022-02-01"
    page.fill("#id_value", "3")
    submit(page, "#id_measured_on")
    assert Measurement.objects.get().measured_on == date(2022, 2, 1)
    page.goto(reverse("municipalities:partners", args=[participation.pk]))
    page.fill("#id_organisation", "Lokalt vaskeri (test)")
    page.select_option("#id_sector", "business")
    page.fill("#id_role", "Vasker")
    page.fill("#id_starts_on", "2022-03-01")
    submit(page, "#id_starts_on")
    assert PartnerInvolvement.objects.get().starts_on == date(2022, 3, 1)
    page.logout()

    # Advisor: an advisory session and an agreed action.
    page.login(advisor.email, None)
    page.goto(reverse("municipalities:advisory", args=[participation.pk]))
    page.fill("#id_held_on", "2022-03-02")
    page.fill("#id_topics", "Testplan")
    submit(page, "#id_held_on")
    session = AdvisorySession.objects.get()
    assert session.held_on == date(2022, 3, 2)
    page.goto(reverse("municipalities:advisory", args=[participation.pk]))
    page.locator("details summary").first.click()
    page.fill(f"#action-text-{session.pk}", "Ring til vaskeriet")
    page.fill(f"#action-due-{session.pk}", "2022-04-01")
    submit(page, f"#action-due-{session.pk}")
    assert AgreedAction.objects.get().due_on == date(2022, 4, 1)
    page.logout()

    # Facilitator: the programme, a cohort, a phase, a milestone, spending, a meeting, a politician's term.
    page.login(facilitator.email, None)
    page.goto(reverse("programmes:edit", args=[programme.slug]))
    assert shown(page, "#id_starts_on") == "2021-08-31"
    submit(page, "#id_starts_on")
    programme.refresh_from_db()
    assert (programme.starts_on, programme.ends_on) == (date(2021, 8, 31), today + timedelta(days=200))

    cohort = world.a.cohort
    cohort.starts_on, cohort.ends_on = date(2021, 9, 1), date(2023, 12, 31)
    cohort.save()
    phase = PhaseFactory(programme=programme)
    milestone = MilestoneFactory(programme=programme, due_on=date(2022, 6, 1))
    for url, selector, check in [
        (reverse("programmes:cohort-edit", args=[cohort.pk]), f"#id_cohort-{cohort.pk}-starts_on",
         lambda: cohort.__class__.objects.get(pk=cohort.pk).starts_on == date(2021, 9, 1)),
        (reverse("programmes:phase-edit", args=[phase.pk]), f"#id_phase-{phase.pk}-starts_on",
         lambda: phase.__class__.objects.get(pk=phase.pk).starts_on == date(2021, 9, 1)),
        (reverse("programmes:milestone-edit", args=[milestone.pk]), f"#id_milestone-{milestone.pk}-due_on",
         lambda: milestone.__class__.objects.get(pk=milestone.pk).due_on == date(2022, 6, 1)),
    ]:
        page.goto(url)
        assert shown(page, selector) in ("2021-09-01", "2022-06-01"), url  # the ISO date, not blank
        submit(page, selector)
        assert check(), url

    BudgetLine.objects.create(programme=programme, code="WP1", name_da="Ledelse", allocated_dkk=100_000)
    page.goto(reverse("programmes:budget", args=[programme.slug]))
    assert shown(page, "#id_spending-spent_on") == today.isoformat()
    page.select_option("#id_spending-budget_line", index=1)
    page.fill("#id_spending-amount_dkk", "1250")
    page.fill("#id_spending-description", "Leje af lokale")
    submit(page, "#id_spending-spent_on")
    assert Spending.objects.get().spent_on == today

    starts = timezone.make_aware(datetime(2030, 1, 24, 9, 30))
    meeting = MeetingFactory(programme=programme, organiser=facilitator, starts_at=starts,
                             ends_at=starts + timedelta(hours=2))
    page.goto(reverse("workshops:edit", args=[meeting.pk]))
    assert shown(page, "#id_starts_at") == "2030-01-24T09:30"
    page.screenshot("dates-meeting-edit-da")
    submit(page, "#id_starts_at")
    meeting.refresh_from_db()
    assert meeting.starts_at == starts and meeting.sequence == 0  # unchanged: not moved

    member = RoleAssignment.objects.get(user=world.a.users["politician"], role=Role.POLITICIAN)
    member.starts_on = date(2021, 8, 31)
    member.save()
    page.goto(reverse("accounts:follow-group-edit", args=[programme.slug, member.pk]))
    assert shown(page, "#id_starts_on") == "2021-08-31"
    submit(page, "#id_starts_on")
    member.refresh_from_db()
    assert member.starts_on == date(2021, 8, 31)

    # The audit list's filters keep their dates after filtering.
    page.goto(reverse("audit:list") + "?date_from=2022-01-24&date_to=2022-02-01")
    assert shown(page, "#id_date_from") == "2022-01-24"
    submit(page, "#id_date_from")
    assert shown(page, "#id_date_from") == "2022-01-24" and shown(page, "#id_date_to") == "2022-02-01"
    assert "date_from=2022-01-24" in page.page.url
