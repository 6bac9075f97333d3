"""The acceptance path of issue 19 in a real browser, in Danish and in English: an applicant from a municipality
confirms the e-mail, saves a draft, uploads a backing letter and submits; two reviewers score it; the facilitator
accepts it; the applicant receives the decision and the staff invitation, logs in and finds the participation
with the challenge filled in. Every new page is checked with axe-core and photographed (test-artifacts/)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from calls.models import Application, Call
from tests.calls.helpers import PDF, make_call
from tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXT = {
    "da": {"apply": "Send mig linket", "sent": "Vi har sendt dig en e-mail", "saved": "Kladden er gemt.",
           "submit": "Indsend ansøgningen", "submitted": "Ansøgningen er indsendt", "upload": "Upload",
           "assign": "Tildel bedømmer", "review": "Indsend bedømmelsen",
           "decide": "Gem afgørelsen og giv ansøgeren besked",
           "decided": "Afgørelsen er gemt", "decision_subject": "Afgørelse på jeres ansøgning",
           "receipt_subject": "Kvittering", "reviewer_invitation": "ekstern bedømmer"},
    "en": {"apply": "Send me the link", "sent": "We have sent you an e-mail", "saved": "Draft saved.",
           "submit": "Submit the application", "submitted": "The application was submitted", "upload": "Upload",
           "assign": "Assign reviewer", "review": "Submit the review",
           "decide": "Save the decision and tell the applicant",
           "decided": "The decision was saved", "decision_subject": "Decision on your application",
           "receipt_subject": "Receipt", "reviewer_invitation": "external reviewer"},
}


def check(page, name, lang):
    page.check_accessibility(f"{name} ({lang})")
    page.screenshot(f"calls-{name}-{lang}")


def _link(pattern: str) -> str:
    for message in reversed(mail.outbox):
        found = re.search(pattern, message.body)
        if found:
            return "/" + found.group(0).split("/", 3)[3]
    raise AssertionError(f"no e-mail with {pattern}: {[m.subject for m in mail.outbox]}")


@pytest.mark.parametrize("lang", ["da", "en"])
def test_apply_review_accept_and_find_the_participation(browser_page, _browser, lang, tmp_path):
    world = build_world()
    call = make_call(world.a)
    facilitator = world.a.users["facilitator"]
    words = TEXT[lang]
    page = browser_page
    mail.outbox.clear()

    # The applicant, in a browser of their own, without an account.
    context = _browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    applicant = context.new_page()
    applicant.goto(page.url(f"/calls/{call.pk}/"))
    check_applicant = type(page)(applicant, page.base_url)
    check_applicant.switch_language(lang)
    check(check_applicant, "public-detail", lang)
    applicant.goto(page.url(f"/calls/{call.pk}/apply/"))
    check(check_applicant, "apply", lang)
    applicant.select_option("#id_municipality", label="Aarhus")
    applicant.fill("#id_name", "Karen Jensen")
    applicant.fill("#id_email", "karen.jensen@aarhus.dk")
    applicant.get_by_role("button", name=words["apply"]).click()
    applicant.get_by_text(words["sent"]).wait_for()
    applicant.goto(page.url(_link(r"https?://\S+/calls/confirm/\S+/")))
    application = Application.objects.get()
    assert applicant.url.endswith(f"/calls/applications/{application.pk}/edit/")
    check(check_applicant, "application-edit", lang)

    # The backing letter, then a draft saved as the applicant types (htmx), then the submit.
    letter = tmp_path / "opbakning.pdf"
    letter.write_bytes(PDF)
    applicant.locator("input[type=file]").set_input_files(str(letter))
    applicant.get_by_role("button", name=words["upload"]).click()
    applicant.get_by_role("link", name="opbakning.pdf").wait_for()
    applicant.fill("#id_contact_department", "Teknik og Miljø")
    applicant.fill("#id_challenge_title", "Byggeaffald i kredsløb")
    applicant.fill("#id_problem_statement", "For meget byggeaffald går til deponi.")
    applicant.select_option("#id_material_stream", "construction")
    applicant.locator("#save-status", has_text=words["saved"]).wait_for()
    application.refresh_from_db()
    assert application.challenge_title == "Byggeaffald i kredsløb" and application.state == "draft"
    check(check_applicant, "application-draft-saved", lang)
    applicant.select_option("#id_strategy", "R3")
    applicant.locator("#id_sdgs input[value='12']").check()
    applicant.get_by_role("button", name=words["submit"]).click()
    applicant.get_by_text(words["submitted"]).wait_for()
    check(check_applicant, "application-submitted", lang)
    assert any(words["receipt_subject"] in m.subject for m in mail.outbox)

    # The facilitator adds themself (a facilitator of the programme) and invites an external reviewer, who
    # accepts the invitation (in the language chosen for her), creates her account and is a reviewer of the call.
    page.login(facilitator.email, None)
    page.switch_language(lang)
    page.goto(f"/calls/manage/{call.pk}/")
    check(page, "manage", lang)
    page.select_option("#id_user", label=str(facilitator))
    page.locator("form[action$='/reviewers/'] button[type=submit]").click()
    page.wait_for_load_state()
    page.fill("#id_full_name", "Eva Ekstern")
    page.fill("#id_email", "eva@ekstern.example.org")
    page.select_option("#id_language", lang)
    page.locator("form[action$='/reviewers/invite/'] button[type=submit]").click()
    page.wait_for_load_state()
    page.get_by_text("eva@ekstern.example.org").first.wait_for()
    check(page, "manage-reviewer-invited", lang)
    invitation = mail.outbox[-1]
    assert invitation.to == ["eva@ekstern.example.org"] and words["reviewer_invitation"] in invitation.subject
    page.logout()
    page.goto(_link(r"https?://\S+/people/invite/\S+/"))
    check(page, "reviewer-invitation-accept", lang)
    page.fill("#id_password1", "bedømmelse-af-ansøgninger")
    page.fill("#id_password2", "bedømmelse-af-ansøgninger")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    external = User.objects.get(email="eva@ekstern.example.org")
    assert call.reviewers.filter(user=external).exists() and not external.roles.exists()
    page.logout()

    page.login(facilitator.email, None)
    page.goto(f"/calls/manage/applications/{application.pk}/")
    check(page, "application-detail", lang)
    for reviewer in (facilitator, external):
        page.select_option("#id_reviewer", label=str(reviewer))
        page.get_by_role("button", name=words["assign"]).click()
        page.wait_for_load_state()
    page.logout()

    # Two reviewers score it: the facilitator and the external reviewer.
    for reviewer, password, scores in ((facilitator, None, ("5", "4")),
                                       (external, "bedømmelse-af-ansøgninger", ("3", "4"))):
        page.login(reviewer.email, password)
        page.switch_language(lang)
        page.goto("/calls/reviews/")
        check(page, "my-reviews", lang)
        page.locator("main table a", has_text="Aarhus").click()
        page.wait_for_load_state()
        check(page, "review", lang)
        for select, value in zip(page.locator("select[name^=score_]").all(), scores, strict=True):
            select.select_option(value)
        page.get_by_role("button", name=words["review"]).click()
        page.wait_for_load_state()
        page.logout()

    # The deadline passes; the facilitator reads the table and accepts.
    Call.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(seconds=1),
                                           opens_at=timezone.now() - timedelta(days=30))
    page.login(facilitator.email, None)
    page.switch_language(lang)
    page.goto(f"/calls/manage/{call.pk}/assessment/")
    check(page, "assessment", lang)
    assert page.locator("table.assessment-table tbody tr").count() == 1
    page.locator("table.assessment-table a", has_text="Aarhus").click()
    page.wait_for_load_state()
    page.locator("input[name=decision][value=accepted]").check()
    page.fill("#id_message", "Velkommen!")
    page.get_by_role("button", name=words["decide"]).click()
    page.get_by_text(words["decided"]).wait_for()
    check(page, "application-decided", lang)
    page.logout()

    # The applicant has the decision and the staff invitation, creates the account and finds the challenge.
    application.refresh_from_db()
    participation = application.participation
    assert any(words["decision_subject"] in m.subject and m.to == ["karen.jensen@aarhus.dk"] for m in mail.outbox)
    applicant.goto(page.url(_link(r"https?://\S+/people/invite/\S+/")))
    applicant.fill("#id_password1", "grøn-omstilling-2024")
    applicant.fill("#id_password2", "grøn-omstilling-2024")
    applicant.locator("main form button[type=submit]").click()
    applicant.wait_for_load_state()
    applicant.goto(page.url(participation.get_absolute_url()))
    applicant.get_by_text("Byggeaffald i kredsløb").first.wait_for()
    check(check_applicant, "participation-of-applicant", lang)
    context.close()
