"""In a real browser, with the demo programme: Roskilde's staff ask for sparring on construction and
see suggested municipalities; Høje-Taastrup answers and Roskilde finds it in the notification centre;
Roskilde records that it adapts Sønderborg's solution model (Sønderborg's team is told); a report is
moderated; an anonymous visitor sees the solution model on the public showcase in English, but not a
cohort-only item. Every community page is checked with axe-core and photographed
(test-artifacts/community-*.png)."""

import pytest
from django.urls import reverse

from community import services
from community.demo import load_community_demo
from community.models import Adoption, LibraryItem, Thread
from programmes.demo import DEMO_PASSWORD, demo_email, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def check(page, name):
    page.wait_for_load_state("networkidle")
    page.check_accessibility(name)
    page.screenshot(f"community-{name}")
    # Playwright leaves style="caret-color: …" on inputs after a screenshot; htmx would copy it onto swapped-in
    # inputs, which CSP blocks. Our pages have no style attributes of their own.
    page.evaluate("document.querySelectorAll('[style]').forEach(e => e.removeAttribute('style'))")


@pytest.fixture
def delivered(monkeypatch):
    """Notifications handed to the notification centre (through the community's one adapter)."""
    calls = []
    original = services.deliver_notification

    def record(**kwargs):
        calls.append(kwargs)
        original(**kwargs)

    monkeypatch.setattr(services, "deliver_notification", record)
    return calls


def test_sparring_adoption_and_public_showcase(browser_page, delivered):
    programme = load_demo()["programme"]
    load_community_demo(programme)
    delivered.clear()  # (what loading told people: the running demo cohort's thread has an answer already)
    page = browser_page

    # Roskilde's staff, in English.
    page.login(demo_email("staff"), DEMO_PASSWORD)
    page.switch_language("en")
    page.get_by_role("link", name="Community", exact=True).click()
    check(page, "overview")

    page.locator("main a.button", has_text="Ask for sparring").first.click()
    check(page, "ask-form")
    page.get_by_label("Sparring request").check()
    page.fill("#id_title", "Who reuses bricks from demolitions?")
    page.fill("#id_body", 'We want to start a materials bank. @hoeje-taastrup.projektleder, how did you begin?')
    page.select_option("#id_material_stream", "construction")
    suggestions = page.locator("#suggestions")
    suggestions.locator(".suggestion-name", has_text="Høje-Taastrup").wait_for()
    assert "same material stream" in suggestions.inner_text()
    page.select_option("#id_strategy", "R3")
    check(page, "ask-form-suggestions")
    page.get_by_role("button", name="Post the question").click()
    page.get_by_role("heading", name="Who reuses bricks from demolitions?").wait_for()
    assert page.locator("#suggestions .suggestion-name", has_text="Høje-Taastrup").is_visible()
    check(page, "thread")
    thread = Thread.objects.get(title="Who reuses bricks from demolitions?")
    mentioned = [c for c in delivered if c["kind"] == "community.mention"]
    assert [c["recipient"].email for c in mentioned] == [demo_email("hoeje-taastrup.projektleder")]

    # The other pages a member uses.
    for name, url in [("library", reverse("community:library")), ("threads", reverse("community:threads")),
                      ("members", reverse("community:members")), ("profile", reverse("community:profile")),
                      ("municipalities", reverse("community:municipalities")),
                      ("search", reverse("community:search") + "?q=materials"),
                      ("item-form", reverse("community:item-create")),
                      ("suggestions", reverse("community:partner-suggestions") + "?material_stream=food")]:
        page.goto(url)
        check(page, name)
    page.goto(reverse("community:member", args=[thread.author_id]))
    check(page, "member")

    # Roskilde adapts Sønderborg's solution model.
    food_model = LibraryItem.objects.get(kind=LibraryItem.Kind.SOLUTION_MODEL, municipality__code="540")
    page.goto(reverse("community:library") + "?kind=solution_model")
    page.get_by_role("link", name=food_model.title_en).click()
    check(page, "solution-model")
    page.get_by_role("link", name="We use this too").click()
    check(page, "adopt-form")
    page.get_by_label("Adapts it").check()
    page.select_option("#id_municipality", label="Roskilde")  # (the demo staff also work in Køge, cohort 2)
    page.fill("#id_note", "We use the dashboard in our care homes.")
    page.get_by_role("button", name="Record the adoption").click()
    page.locator("#adoptions .adoption strong", has_text="Roskilde").wait_for()
    check(page, "solution-model-adopted")
    assert Adoption.objects.filter(item=food_model, municipality__code="265", kind=Adoption.Kind.ADAPT).exists()
    told = {c["recipient"].email for c in delivered if c["kind"] == "community.adoption"}
    assert demo_email("soenderborg.projektleder") in told
    patterns = LibraryItem.objects.get(title_en="Patterns for circular solution models")
    page.goto(patterns.get_absolute_url())
    page.get_by_role("link", name="Report").click()
    check(page, "report-form")
    page.fill("#id_reason", "The table mixes up two of the patterns.")
    page.get_by_role("button", name="Send the report").click()
    page.get_by_text("The moderators will look at it.").wait_for()
    page.logout()

    # Høje-Taastrup answers; Roskilde's staff are told.
    page.login(demo_email("hoeje-taastrup.projektleder"), DEMO_PASSWORD)
    page.goto(reverse("community:threads"))
    page.get_by_role("link", name="Who reuses bricks from demolitions?").click()
    page.fill("#id_body", "We began with **three demolitions** and a shared list of materials.")
    page.get_by_role("button", name="Post your answer").click()
    page.locator("#posts").get_by_text("three demolitions").wait_for()
    page.get_by_text("Your answer is posted.").wait_for()
    check(page, "thread-answered")
    answers = [c for c in delivered if c["kind"] == "community.answer"]
    assert [c["recipient"].email for c in answers] == [demo_email("staff")]
    assert "Høje-Taastrup" in answers[0]["title"]
    page.logout()

    # Roskilde's staff find it in their notification centre and follow it to the answer.
    page.login(demo_email("staff"), DEMO_PASSWORD)
    page.goto(reverse("notifications:list"))
    notification = page.get_by_role("link", name=answers[0]["title"])
    notification.wait_for()
    check(page, "notification-centre")
    notification.click()
    page.get_by_role("heading", name="Who reuses bricks from demolitions?").wait_for()
    assert "three demolitions" in page.locator("#posts").inner_text()
    page.logout()

    # A facilitator moderates: the report in the queue, hidden with a reason, in the log.
    page.login(demo_email("facilitator"), DEMO_PASSWORD)  # still in English: the language cookie stays
    page.goto(reverse("community:moderation"))
    page.get_by_text("The table mixes up two of the patterns.").wait_for()
    check(page, "moderation")
    page.once("dialog", lambda dialog: dialog.accept())
    page.fill(f"#reason-item-{patterns.pk}", "Being corrected by the author")
    page.locator("form.moderate-form button", has_text="Hide").click()
    page.get_by_text("No open reports.").wait_for()
    assert "Being corrected by the author" in page.locator("main").inner_text()
    check(page, "moderation-log")
    page.goto(patterns.get_absolute_url())
    check(page, "item-hidden-for-moderator")
    page.goto(thread.get_absolute_url())
    check(page, "thread-moderator")
    page.goto(reverse("community:item-edit", args=[patterns.pk]))
    check(page, "item-edit")
    page.logout()

    # An anonymous visitor: the showcase in English, with the adopted solution model, no cohort-only item.
    page.goto(reverse("community:showcase") + "?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name=food_model.title_en).wait_for()
    assert page.get_by_text("Lessons from the follow-group").count() == 0
    assert page.get_by_text("Erfaringer fra følgegruppen").count() == 0
    check(page, "showcase")
    page.get_by_role("link", name=food_model.title_en).click()
    page.get_by_role("heading", name=food_model.title_en).wait_for()
    assert "Roskilde" in page.locator("main").inner_text()
    assert page.locator('link[rel=alternate][hreflang=da]').count() == 1
    assert page.locator('meta[property="og:title"]').get_attribute("content") == food_model.title_en
    check(page, "showcase-item")
    page.get_by_role("link", name="Dansk").click()
    assert page.locator("html").get_attribute("lang") == "da"
    check(page, "showcase-item-da")
    cohort_only = LibraryItem.objects.get(title_da__startswith="Erfaringer fra følgegruppen")
    response = page.goto(reverse("community:showcase-item", args=[cohort_only.pk]))
    assert response.status == 404
