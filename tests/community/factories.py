"""Factories for the community tests (beside tests/factories.py, which another part owns)."""

import itertools

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from community.models import Adoption, LibraryItem, Post, Profile, Report, Thread, Visibility
from tests.factories import UserFactory

_numbers = itertools.count(1)
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def unique(prefix: str) -> str:
    return f"{prefix}{next(_numbers)}"


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    organisation = "Teknik og Miljø"
    expertise = "genbrug, byggeri"
    bio = "Arbejder med cirkulært byggeri."


class LibraryItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LibraryItem

    kind = LibraryItem.Kind.CASE
    visibility = Visibility.COMMUNITY
    title_da = factory.Sequence(lambda n: f"Case {n}")
    title_en = factory.Sequence(lambda n: f"Case story {n}")
    summary_da = "Et kort resumé."
    summary_en = "A short summary."
    body_da = "## Hvad vi gjorde\n\nVi testede en **materialebank**."
    body_en = "## What we did\n\nWe tested a **materials bank**."
    published_at = factory.LazyFunction(timezone.now)


def solution_model(participation, **kwargs) -> LibraryItem:
    kwargs.setdefault("title_da", unique("Løsningsmodel "))
    kwargs.setdefault("title_en", kwargs["title_da"].replace("Løsningsmodel", "Solution model"))
    return LibraryItemFactory(kind=LibraryItem.Kind.SOLUTION_MODEL, participation=participation,
                              programme=participation.cohort.programme, municipality=participation.municipality,
                              **kwargs)


def cohort_item(programme, **kwargs) -> LibraryItem:
    return LibraryItemFactory(visibility=Visibility.COHORT, programme=programme, **kwargs)


def with_file(item: LibraryItem, *, fixed_name: str | None = None) -> LibraryItem:
    """Attach a small PDF. ``fixed_name``: one file reused across runs (for tests that cannot point
    MEDIA_ROOT at a temporary directory, such as the authorization matrix)."""
    storage = item.attachment.storage
    if fixed_name and storage.exists(fixed_name):
        item.attachment.name = fixed_name
    elif fixed_name:
        item.attachment.name = storage.save(fixed_name, ContentFile(PDF_BYTES))
    else:
        item.attachment.save("file.pdf", ContentFile(PDF_BYTES), save=False)
    item.attachment_type = "application/pdf"
    item.attachment_size = len(PDF_BYTES)
    item.save()
    return item


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    kind = Adoption.Kind.ADAPT
    note = "Vi tilpasser modellen."


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    kind = Thread.Kind.SPARRING
    title = factory.Sequence(lambda n: f"Spørgsmål {n}")
    body = "Hvem har erfaring med en materialebank?"
    visibility = Visibility.COMMUNITY


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    body = "Det har vi!"


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    reason = "Forkerte oplysninger."
