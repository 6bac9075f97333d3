"""Factories and helpers for the local-test models (progress, photos, indicators, partners, gates, advice)."""

import io
from datetime import date

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from municipalities.models import (
    AdvisorySession,
    AgreedAction,
    Indicator,
    Measurement,
    PartnerInvolvement,
    ProgressEntry,
    StageGateOutput,
)
from programmes.models import Organisation
from tests.factories import ParticipationFactory, RefreshesStatus


class ProgressEntryFactory(RefreshesStatus, factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressEntry
        skip_postgeneration_save = True

    participation = factory.SubFactory(ParticipationFactory)
    happened_on = date(2022, 5, 1)
    what_happened = factory.Sequence(lambda n: f"Vi holdt workshop {n} med leverandørerne.")
    status = ProgressEntry.Status.ON_TRACK
    state = ProgressEntry.State.PUBLISHED
    review = ProgressEntry.Review.ACCEPTED  # already public, as entries published before the review existed


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    participation = factory.SubFactory(ParticipationFactory)
    name = factory.Sequence(lambda n: f"Indikator {n}")
    unit = "tons"
    baseline = 10
    target = 40


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    measured_on = date(2022, 6, 1)
    value = 12


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Virksomhed {n} (test)")
    kind = Organisation.Kind.COMPANY


class PartnerInvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerInvolvement

    participation = factory.SubFactory(ParticipationFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    sector = "business"
    role = "Leverandør i testen"
    starts_on = date(2022, 1, 1)


class StageGateOutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageGateOutput

    participation = factory.SubFactory(ParticipationFactory)
    stage = "discover"
    kind = StageGateOutput.Kind.INSIGHTS
    title = factory.Sequence(lambda n: f"Indsigter {n}")
    body = "Interviews med 12 aktører."
    submitted_at = factory.LazyFunction(timezone.now)


class AdvisorySessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvisorySession

    participation = factory.SubFactory(ParticipationFactory)
    held_on = date(2022, 3, 1)
    topics = "Testplan"
    advice = "Start småt."


class AgreedActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreedAction

    session = factory.SubFactory(AdvisorySessionFactory)
    text = factory.Sequence(lambda n: f"Aftalt handling {n}")
    due_on = date(2022, 9, 1)


def image_bytes(fmt="JPEG", size=(64, 48), color=(200, 30, 30), **save_kwargs) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save_kwargs)
    return out.getvalue()


def photo_upload(data: bytes | None = None, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data if data is not None else image_bytes(), content_type=content_type)


def entry_with_photo(participation, by, **kwargs) -> ProgressEntry:
    from municipalities.services import progress_entry_save

    kwargs.setdefault("publish", True)
    return progress_entry_save(participation=participation, by=by, happened_on=date(2022, 5, 1),
                               what_happened="Prøvehandling på havnen", photos=[photo_upload()], **kwargs)
