"""In a real browser (issue 15.9, 15.10): staff withdraw a published entry with a reason after confirming, edit
and remove a partner and a measurement; the advisor finds the publication waiting on their home and accepts it;
it then shows on the public showcase. Every changed page is checked with axe-core and photographed in Danish
and in English (test-artifacts/)."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import User
from municipalities import services
from municipalities.models import Measurement, PartnerInvolvement, ProgressEntry
from tests.factories import build_world
from tests.municipalities.factories_local import (
    IndicatorFactory,
    MeasurementFactory,
    OrganisationFactory,
    PartnerInvolvementFactory,
    ProgressEntryFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def check(page, name, lang="da"):
    page.check_accessibility(name)
    page.screenshot(f"corrections-{name}-{lang}")


def test_withdraw_edit_remove_and_accept_in_the_browser(browser_page):
    world = build_world()
    User.objects.update(language="da")  # the users read Danish, as most do
    side, page = world.a, browser_page
    participation = side.participation
    wrong = ProgressEntryFactory(participation=participation, happened_on=date(2022, 3, 1),
                                 what_happened="Vi vejede 400 tons, men vægten var forkert indstillet.")
    waiting = services.progress_entry_save(
        participation=participation, by=side.users["staff"], happened_on=date(2022, 4, 1),
        what_happened="Første uge med pantsystemet på havnen: 1.200 kopper retur.", learnings="Skilte hjælper.",
        publish=True)
    indicator = IndicatorFactory(participation=participation, name="Genbrugte kopper", unit="stk", target=5000)
    measurement = MeasurementFactory(indicator=indicator, value=1200, measured_on=date(2022, 4, 1))
    MeasurementFactory(indicator=indicator, value=1900, measured_on=date(2022, 5, 1))
    involvement = PartnerInvolvementFactory(participation=participation,
                                            organisation=OrganisationFactory(name="Havnens Café"))
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm questions: yes

    # Staff: the entry waits for review; withdraw the wrong one with a reason.
    page.login(side.users["staff"].email, None)
    page.goto(waiting.get_absolute_url())
    assert page.locator("#publish-state .badge", has_text="Afventer godkendelse").is_visible()
    check(page, "entry-awaiting-review")
    page.goto(wrong.get_absolute_url())
    page.locator("details.withdraw summary").click()
    check(page, "entry-withdraw-form")
    page.fill("#id_reason", "Vægten var forkert indstillet; tallene gælder ikke.")
    page.locator("details.withdraw button[type=submit]").click()
    page.wait_for_load_state()
    assert "Statusopdateringen er trukket tilbage" in page.locator("main").inner_text()
    assert "400 tons" not in page.locator("main").inner_text()
    wrong.refresh_from_db()
    assert wrong.state == ProgressEntry.State.WITHDRAWN

    # Partners: edit, then remove after confirming.
    page.goto(reverse("municipalities:partners", args=[participation.pk]))
    check(page, "partners")
    page.locator(f"#involvement-{involvement.pk} a", has_text="Rediger").click()
    page.wait_for_load_state()
    check(page, "partner-edit")
    page.fill("#id_role", "Serverer i genbrugskopper")
    page.locator("main form button.primary").click()
    page.wait_for_load_state()
    assert "Serverer i genbrugskopper" in page.locator("main table").inner_text()
    page.locator(f"#involvement-{involvement.pk} button", has_text="Fjern").click()
    page.wait_for_load_state()
    assert "Havnens Café er fjernet fra partnerne." in page.locator("main").inner_text()
    assert not PartnerInvolvement.objects.filter(pk=involvement.pk).exists()

    # Measurements: edit one, delete it after confirming.
    page.goto(reverse("municipalities:indicators", args=[participation.pk]))
    check(page, "indicators")
    page.goto(reverse("municipalities:measurement-edit", args=[measurement.pk]))
    check(page, "measurement-edit")
    page.fill("#id_value", "1250,5")
    page.locator("main form button.primary").click()
    page.wait_for_load_state()
    measurement.refresh_from_db()
    assert str(measurement.value) == "1250.50"
    page.locator(f"#measurement-{measurement.pk} button", has_text="Slet").click()
    page.wait_for_load_state()
    assert not Measurement.objects.filter(pk=measurement.pk).exists()
    page.logout()

    # Nothing public yet: the showcase does not show the waiting entry.
    page.goto(reverse("community:showcase"))
    assert "pantsystemet på havnen" not in page.locator("main").inner_text()

    # The advisor: the publication waits on their home; accepting it lets it out.
    page.login(side.users["advisor"].email, None)
    page.goto("/")
    section = page.locator("[data-section=publications]")
    assert "Første uge med pantsystemet" in section.inner_text()
    check(page, "home-advisor")
    section.locator("a", has_text=str(participation.municipality)).click()
    page.wait_for_load_state()
    page.locator("#publish-state button", has_text="Godkend til offentliggørelse").click()
    page.locator("#publish-state .message-success").wait_for()
    check(page, "entry-accepted")
    waiting.refresh_from_db()
    assert waiting.review == ProgressEntry.Review.ACCEPTED
    page.logout()

    page.goto(reverse("community:showcase") + "?lang=da")
    assert "Første uge med pantsystemet på havnen" in page.locator(".showcase-progress").inner_text()
    check(page, "showcase")

    # The facilitator: the withdrawal and its reason in the history; the programme's review setting.
    page.login(side.users["facilitator"].email, None)
    page.goto(reverse("municipalities:participation-history", args=[participation.pk]))
    assert "Vægten var forkert indstillet" in page.locator("main").inner_text()
    check(page, "history")
    page.goto(reverse("programmes:edit", args=[side.programme.slug]))
    assert page.locator("#id_publication_review").is_checked()
    check(page, "programme-setting")

    # The same pages in English.
    page.switch_language("en")
    for name, url in (("history", reverse("municipalities:participation-history", args=[participation.pk])),
                      ("programme-setting", reverse("programmes:edit", args=[side.programme.slug])),
                      ("entry-withdrawn", wrong.get_absolute_url()),
                      ("entry-accepted", waiting.get_absolute_url()),
                      ("partners", reverse("municipalities:partners", args=[participation.pk])),
                      ("indicators", reverse("municipalities:indicators", args=[participation.pk]))):
        page.goto(url)
        check(page, name, "en")
    other = Measurement.objects.filter(indicator=indicator).first()
    page.goto(reverse("municipalities:measurement-edit", args=[other.pk]))
    check(page, "measurement-edit", "en")
    pending = ProgressEntryFactory(participation=participation, review=ProgressEntry.Review.PENDING,
                                   what_happened="Anden uge: 1.900 kopper retur.")
    page.goto(pending.get_absolute_url())
    check(page, "entry-awaiting-review", "en")
    page.goto("/")
    assert "Anden uge" in page.locator("[data-section=publications]").inner_text()
    check(page, "home-facilitator", "en")
    page.goto(reverse("community:showcase") + "?lang=en")
    check(page, "showcase", "en")
