"""In a real browser: staff write a progress entry with two photos and a measurement and publish it; the
advisor comments; a facilitator accepts a stage gate output; staff of another municipality get 404 on the
entry and its photos. Every new page is checked with axe-core and photographed (test-artifacts/)."""

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw

from municipalities.models import EntryComment, ProgressEntry
from tests.factories import build_world, staff_of
from tests.municipalities.factories_local import (
    AgreedActionFactory,
    IndicatorFactory,
    MeasurementFactory,
    PartnerInvolvementFactory,
    StageGateOutputFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def check(page, name):
    page.check_accessibility(name)
    page.screenshot(f"local-tests-{name}")
    page.evaluate("() => document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))")


def make_photo(path, color):
    image = Image.new("RGB", (800, 600), color)
    ImageDraw.Draw(image).rectangle((200, 150, 600, 450), fill=(255, 255, 255))
    image.save(path, "JPEG")
    return str(path)


def test_staff_log_progress_advisor_comments_facilitator_accepts_others_get_404(browser_page, tmp_path):
    world = build_world()
    participation = world.a.participation
    indicator = IndicatorFactory(participation=participation, name="Genbrugte kopper", unit="stk", target=5000)
    MeasurementFactory(indicator=indicator, value=1200)
    PartnerInvolvementFactory(participation=participation)
    AgreedActionFactory(session__participation=participation, session__advisor=world.a.users["advisor"])
    output = StageGateOutputFactory(participation=participation, submitted_by=world.a.users["staff"],
                                    title="Indsigter fra 12 interviews")
    photos = [make_photo(tmp_path / "havn.jpg", (30, 90, 160)), make_photo(tmp_path / "lager.jpg", (160, 90, 30))]
    page = browser_page

    # Staff: the short form inline on the participation page, two photos and a measurement, published.
    page.login(world.a.users["staff"].email, None)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(participation.get_absolute_url())
    page.locator("#progress a.button", has_text="Log").click()
    page.locator("#progress-form form").wait_for()
    check(page, "short-form-phone")
    page.fill("#id_happened_on", "2023-05-10")
    page.fill("#id_what_happened", "Første test af pantsystemet ved havnefesten.")
    page.fill("#id_learnings", "Borgerne tog godt imod det.")
    page.check("input[name=status][value=at_risk]")
    page.set_input_files("#id_photos", photos)
    page.select_option("#id_indicator", str(indicator.pk))
    page.fill("#id_value", "2400")
    page.locator("#progress-form button[name=publish]").click()
    page.locator("#progress-form .message-success").wait_for()
    entry = ProgressEntry.objects.get()
    assert entry.is_published and entry.photos.count() == 2 and entry.measurements.get().value == 2400
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    thumbs = page.locator(f"#entry-{entry.pk} .thumbs img")
    assert thumbs.count() == 2
    page.wait_for_function(
        "() => [...document.querySelectorAll('.thumbs img')].every(i => i.complete && i.naturalWidth > 0)")
    check(page, "participation-with-progress")
    for name, url in [
        ("progress-list", reverse("municipalities:progress-list", args=[participation.pk])),
        ("progress-detail", entry.get_absolute_url()),
        ("progress-edit", reverse("municipalities:progress-edit", args=[entry.pk])),
        ("stages-staff", reverse("municipalities:stages", args=[participation.pk])),
        ("indicators", reverse("municipalities:indicators", args=[participation.pk])),
        ("partners", reverse("municipalities:partners", args=[participation.pk])),
        ("cohort-partners", reverse("municipalities:cohort-partners", args=[participation.cohort_id])),
    ]:
        assert page.goto(url).status == 200, name
        check(page, name)
    page.logout()

    # The advisor comments on the entry and sees their municipalities.
    page.login(world.a.users["advisor"].email, None)
    page.goto(entry.get_absolute_url())
    page.fill("#id_body", "Flot start. Husk at måle returprocenten.")
    page.locator("#comments button[type=submit]").click()
    page.locator("#comments .comment", has_text="returprocenten").wait_for()
    assert EntryComment.objects.get().author == world.a.users["advisor"]
    check(page, "progress-detail-comment")
    for name, url in [("advisory", reverse("municipalities:advisory", args=[participation.pk])),
                      ("my-municipalities", reverse("municipalities:my-municipalities"))]:
        assert page.goto(url).status == 200, name
        check(page, name)
    page.logout()

    # A facilitator accepts the stage gate output: the municipality moves on to Define.
    page.login(world.a.users["facilitator"].email, None)
    page.goto(reverse("municipalities:stages", args=[participation.pk]))
    check(page, "stages-facilitator")
    page.locator(f"#output-{output.pk} button[value=accept]").click()
    page.wait_for_load_state()
    participation.refresh_from_db()
    assert participation.stage == "define"
    check(page, "stages-after-accept")
    page.logout()

    # Staff of another municipality: 404 on the entry and on both photo URLs.
    other = staff_of(world.a.other_participation.municipality)
    page.login(other.email, None)
    assert page.goto(entry.get_absolute_url()).status == 404
    for photo in entry.photos.all():
        assert page.goto(reverse("municipalities:photo", args=[photo.pk])).status == 404
        assert page.goto(reverse("municipalities:photo-thumbnail", args=[photo.pk])).status == 404
