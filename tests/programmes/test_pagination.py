"""National-scale pages paginate (issue 7): the politicians' overview, the cohort dashboard, the board, the
timeline and the milestones show one page of municipalities (or milestones); counts cover all of them."""

from datetime import date

import pytest
from django.urls import reverse

from programmes import lights as dashboards
from programmes import views
from programmes.models import Milestone
from tests.factories import (
    CohortFactory,
    MilestoneFactory,
    MunicipalityFactory,
    ParticipationFactory,
    PhaseFactory,
    facilitator_of,
    politician_of,
)
from tests.programmes.helpers import url_name

pytestmark = pytest.mark.django_db

OVERDUE = date(2022, 6, 1)


@pytest.fixture
def national(monkeypatch):
    """Five municipalities in two cohorts, three pages of two; the first two have two overdue milestones
    (red), the rest none (green: their milestone is done)."""
    from reports import dashboards as read_side

    for module, name in ((dashboards, "CARDS_PER_PAGE"), (read_side, "CARDS_PER_PAGE"), (dashboards, "BOARD_PER_PAGE"),
                         (views, "TIMELINE_PER_PAGE"), (views, "MILESTONES_PER_PAGE")):
        monkeypatch.setattr(module, name, 2)
    first = CohortFactory(name="Hold A", starts_on=date(2021, 9, 1))
    programme = first.programme
    second = CohortFactory(programme=programme, name="Hold B", starts_on=date(2022, 9, 1))
    PhaseFactory(programme=programme, name_en="Phase one", name_da="Fase ét")
    MilestoneFactory(programme=programme, title_en="Whole programme step", due_on=date(2023, 1, 1))
    participations = []
    for i, cohort in enumerate((first, first, first, second, second)):
        participation = ParticipationFactory(cohort=cohort, municipality=MunicipalityFactory(name=f"By {i}"))
        participations.append(participation)
        MilestoneFactory(programme=programme, participation=participation, title_en=f"Step of By {i}",
                         due_on=OVERDUE, status=Milestone.Status.PLANNED if i < 2 else Milestone.Status.DONE)
        if i < 2:
            MilestoneFactory(programme=programme, participation=participation, due_on=OVERDUE,
                             title_en=f"Second step of By {i}")
    return programme, participations


def _get(client, user, name, programme, query=""):
    client.force_login(user)
    response = client.get(reverse(url_name(name), args=[programme.slug]) + query)
    assert response.status_code == 200
    return response


def _names(cards):
    return [card.participation.municipality.name for card in cards]


def test_overview_pages_its_cards_and_counts_every_municipality(client, national):
    programme, _participations = national
    politician = politician_of(programme)
    first = _get(client, politician, "dashboard", programme)
    third = _get(client, politician, "dashboard", programme, "?page=3")
    assert _names(first.context["cards"]) == ["By 0", "By 1"]
    assert _names(third.context["cards"]) == ["By 4"]
    for response in (first, third):
        counts = {light.colour: count for light, count in response.context["light_counts"]}
        assert counts == {"green": 3, "amber": 0, "red": 2}
    html = third.content.decode()
    assert "Municipalities 5–5 of 5 shown" in html or "Municipality 5–5 of 5 shown" in html
    assert 'rel="prev"' in html and "Page 3 of 3" in html
    # The timeline shows the whole programme and the municipalities of the page only.
    labels = [row.full_label for row in third.context["picture"].rows]
    assert "Phase one" in labels and "By 4" in labels and "By 0" not in labels
    assert "Whole programme step" in html and "Step of By 4" in html and "Step of By 0" not in html


def test_overview_filters_by_colour_and_cohort_in_a_bookmarkable_query(client, national):
    programme, participations = national
    politician = politician_of(programme)
    red = _get(client, politician, "dashboard", programme, "?light=red")
    assert _names(red.context["cards"]) == ["By 0", "By 1"]
    assert red.context["page"].paginator.num_pages == 1
    green_b = _get(client, politician, "dashboard", programme,
                   f"?light=green&cohort={participations[3].cohort_id}")
    assert _names(green_b.context["cards"]) == ["By 3", "By 4"]
    green = _get(client, politician, "dashboard", programme, "?light=green")
    assert green.context["page"].paginator.count == 3
    assert "?light=green&amp;page=2" in green.content.decode()
    # Counts still cover everyone; nonsense filters show everything.
    assert sum(count for _light, count in green.context["light_counts"]) == 5
    assert _get(client, politician, "dashboard", programme, "?light=purple&cohort=x").context[
        "page"].paginator.count == 5


def test_cohort_dashboard_pages_board_rows_and_attendance(client, national):
    programme, _participations = national
    facilitator = facilitator_of(programme)
    first = _get(client, facilitator, "cohort-dashboard", programme)
    last = _get(client, facilitator, "cohort-dashboard", programme, "?page=3")
    assert first.context["shown_count"] == last.context["shown_count"] == 5  # the counts cover all
    assert sum(count for _light, count in last.context["light_counts"]) == 5
    rows = [row["participation"].municipality.name for group in last.context["cohorts"] for row in group["rows"]]
    assert rows == ["By 4"]
    assert [row["card"].participation.municipality.name for row in last.context["attendance"]] == ["By 4"]
    # A cohort's stage counts cover the whole cohort, not only the page.
    group = last.context["cohorts"][0]
    assert sum(count for _label, count in group["columns"]) == 2
    # The filters stay in the page links.
    green = _get(client, facilitator, "cohort-dashboard", programme, "?status=green")
    assert green.context["page"].paginator.count == 3
    assert "status=green&amp;page=2" in green.content.decode()


def test_board_pages_across_cohorts(client, national):
    programme, _participations = national
    facilitator = facilitator_of(programme)
    second = _get(client, facilitator, "board", programme, "?page=2")
    groups = second.context["cohorts"]
    assert [group["cohort"].name for group in groups] == ["Hold A", "Hold B"]
    assert [[row["participation"].municipality.name for row in group["rows"]] for group in groups] == [
        ["By 2"], ["By 3"]]
    assert sum(count for _label, count in groups[0]["columns"]) == 3
    assert "Page 2 of 3" in second.content.decode()


def test_timeline_pages_municipality_rows_and_always_shows_the_programme(client, national):
    programme, _participations = national
    facilitator = facilitator_of(programme)
    second = _get(client, facilitator, "timeline", programme, "?page=2")
    labels = [row.full_label for row in second.context["picture"].rows]
    assert "Phase one" in labels and "By 2" in labels and "By 3" in labels and "By 0" not in labels
    html = second.content.decode()
    assert "Whole programme step" in html and "Step of By 2" in html and "Step of By 0" not in html
    assert "Municipalities 3–4 of 5" in html and "Page 2 of 3" in html


def test_milestone_list_pages_and_counts_all(client, national):
    programme, _participations = national
    facilitator = facilitator_of(programme)
    last = _get(client, facilitator, "milestones", programme, "?page=4")
    assert len(last.context["milestones"]) == 2  # 8 milestones, 2 a page
    html = last.content.decode()
    assert "8 milestones" in html and "Page 4 of 4" in html
    # The filter stays in the page links.
    mine = _get(client, facilitator, "milestones", programme, "?where=programme")
    assert mine.context["page"].paginator.count == 1


def test_milestones_due_the_same_day_swap_across_a_page_edge(client, monkeypatch):
    """Reorder arrows look past the page: the last milestone of page 1 and the first of page 2, due the same day,
    each get the arrow towards the other, and moving one down puts it on page 2."""
    monkeypatch.setattr(views, "MILESTONES_PER_PAGE", 2)
    cohort = CohortFactory()
    programme = cohort.programme
    facilitator = facilitator_of(programme)
    MilestoneFactory(programme=programme, title_en="Early", due_on=date(2030, 1, 1))
    second = MilestoneFactory(programme=programme, title_en="Same day A", due_on=date(2030, 2, 1))
    third = MilestoneFactory(programme=programme, title_en="Same day B", due_on=date(2030, 2, 1))
    first_page = _get(client, facilitator, "milestones", programme, "")
    items = first_page.context["milestones"]
    assert [m.title for m in items] == ["Early", "Same day A"]
    assert items[1].movable and items[1].same_day_after and not items[1].same_day_before
    html = first_page.content.decode()
    assert f'id="move-{second.pk}-down"' in html and f'id="move-{second.pk}-down" class="icon-button" aria' not in html
    page_two = _get(client, facilitator, "milestones", programme, "?page=2")
    assert [m.title for m in page_two.context["milestones"]] == ["Same day B"]
    assert page_two.context["milestones"][0].same_day_before
    assert f'id="move-{third.pk}-up"' in page_two.content.decode()
    client.post(reverse("programmes:milestone-move", args=[second.pk]), {"direction": "down"})
    moved = _get(client, facilitator, "milestones", programme, "?page=2")
    assert [m.title for m in moved.context["milestones"]] == ["Same day A"]
