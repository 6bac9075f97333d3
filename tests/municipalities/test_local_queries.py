"""The local-test pages make no more queries with 10× the data than with 1×."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities import services
from tests.factories import CohortFactory, MilestoneFactory, ParticipationFactory, advisor_of
from tests.municipalities.factories_local import (
    IndicatorFactory,
    MeasurementFactory,
    PartnerInvolvementFactory,
    ProgressEntryFactory,
    photo_upload,
)

pytestmark = pytest.mark.django_db


def grow(world, times: int):
    participation, staff = world.a.participation, world.a.users["staff"]
    indicator = IndicatorFactory(participation=participation)
    for n in range(times):
        entry = services.progress_entry_save(
            participation=participation, by=staff, happened_on=date(2022, 1 + n % 12, 1), what_happened=f"E {n}",
            photos=[photo_upload(), photo_upload()], measurements=[(indicator, n)], publish=n % 2 == 0)
        services.entry_comment_add(entry=entry, by=world.a.users["advisor"], body="Fint")
        MeasurementFactory(indicator=indicator, measured_on=date(2023, 1, 1))
        PartnerInvolvementFactory(participation=participation)
        PartnerInvolvementFactory(participation=world.a.other_participation, sector="research")
        MilestoneFactory(programme=world.a.programme, participation=participation)
        # more municipalities the advisor follows
        other = ParticipationFactory(cohort=world.a.cohort)
        advisor_of(other, user=world.a.users["advisor"])
        ProgressEntryFactory(participation=other)
    CohortFactory(programme=world.a.programme)


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role, name", [
    ("staff", "participation"), ("facilitator", "participation"), ("politician", "participation"),
    ("staff", "progress-list"), ("politician", "progress-list"),
    ("advisor", "my-municipalities"), ("facilitator", "my-municipalities"),
    ("facilitator", "cohort-partners"), ("advisor", "cohort-partners"),
    ("staff", "indicators"), ("staff", "partners"), ("advisor", "advisory"), ("staff", "stages"),
])
def test_queries_do_not_grow(client, world, role, name):
    if name == "my-municipalities":
        url = reverse(f"municipalities:{name}")
    elif name == "cohort-partners":
        url = reverse(f"municipalities:{name}", args=[world.a.cohort.pk])
    else:
        url = reverse(f"municipalities:{name}", args=[world.a.participation.pk])
    client.force_login(world.a.users[role])
    grow(world, 1)
    baseline = queries_of(client, url)
    assert baseline <= 30
    grow(world, 10)
    assert queries_of(client, url) <= baseline, name
