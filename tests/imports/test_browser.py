"""In a real browser, in Danish: a facilitator uploads a milestone plan with a mistake, sees the row and the
reason in the preview, uploads the corrected file and confirms; the milestones are there. The pages are checked
with axe-core and photographed in Danish and English (test-artifacts/imports-*.png)."""

import pytest
from django.urls import reverse

from programmes.models import Milestone
from tests.factories import ParticipationFactory, ProgrammeFactory, facilitator_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADER = "Titel (dansk);Titel (engelsk);Frist;Ansvarlig (e-mail);Kommune"


def csv_bytes(*rows) -> bytes:
    return ("\ufeff" + "\r\n".join((HEADER, *rows)) + "\r\n").encode("utf-8")


def check(page, name):
    page.wait_for_load_state("networkidle")
    page.check_accessibility(name)
    page.screenshot(f"imports-{name}")
    page.evaluate("document.querySelectorAll('[style]').forEach(e => e.removeAttribute('style'))")


def send(page, name, data):
    page.set_input_files("input[name=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    page.locator("main form[enctype] button[type=submit].primary").click()
    page.wait_for_load_state()


def test_facilitator_uploads_fixes_and_confirms_a_milestone_plan_in_danish(browser_page):
    programme = ProgrammeFactory(slug="cirkulaere-byer", name_da="Cirkulære byer", name_en="Circular Cities")
    participation = ParticipationFactory(cohort__programme=programme, municipality__name="Kolding")
    facilitator = facilitator_of(programme, user__full_name="Frida Facilitator", user__language="da")
    page = browser_page
    page.login(facilitator.email, None)

    page.goto(reverse("programmes:milestones", args=[programme.slug]))
    page.locator("main a", has_text="Importér milepæle fra et regneark").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Importér milepæle fra et regneark"
    check(page, "upload-da")

    # A date that is not in the calendar, and a municipality outside the programme.
    send(page, "milepæle.csv", csv_bytes("Kick-off;Kick-off;15.09.2021;;",
                                         "Lokal testplan;Local test plan;31.02.2022;;Kolding",
                                         "Midtvejsmøde;;01.06.2022;;Vejle"))
    errors = page.locator(".import-error-list li")
    assert errors.count() == 2
    assert errors.nth(0).inner_text() == "Række 3, kolonne C (Frist): 31.02.2022 er ikke en dato i kalenderen."
    assert "Række 4, kolonne E (Kommune): Vejle deltager ikke i Cirkulære byer." in errors.nth(1).inner_text()
    assert page.locator("form[action$='/confirm/']").count() == 0
    check(page, "preview-errors-da")
    assert not Milestone.objects.exists()

    send(page, "milepæle-rettet.csv", csv_bytes("Kick-off;Kick-off;15.09.2021;;",
                                                "Lokal testplan;Local test plan;28.02.2022;;Kolding",
                                                "Midtvejsmøde;;01.06.2022;;"))
    assert page.locator(".import-error-list").count() == 0
    assert "28.02.2022" in page.locator("table.import-preview").inner_text()
    check(page, "preview-ok-da")
    page.locator("form[action$='/confirm/'] button").click()
    page.wait_for_load_state()
    assert page.page.url.endswith(reverse("programmes:milestones", args=[programme.slug]))
    assert "3 rækker importeret." in page.locator(".messages").inner_text()
    assert Milestone.objects.filter(programme=programme).count() == 3
    assert Milestone.objects.get(title_da="Lokal testplan").participation == participation

    # The same pages in English.
    page.goto(reverse("imports:programme-upload", args=[programme.slug, "milestones"]))
    page.switch_language("en")
    assert page.locator("h1").inner_text() == "Import milestones from a spreadsheet"
    check(page, "upload-en")
    send(page, "milestones.csv", csv_bytes("Plan;;31.02.2022;;"))
    assert page.locator(".import-error-list li").first.inner_text() == (
        "Row 2, column C (Due): 31.02.2022 is not a date in the calendar.")
    check(page, "preview-errors-en")
