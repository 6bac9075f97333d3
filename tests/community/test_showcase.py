"""The public showcase: only public, published, not hidden items — never anything else, in the list, on an
item page, in the feed or in search — in Danish or English, with the page metadata partners and search
engines read."""

import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from community.models import LibraryItem, Visibility
from tests.community.factories import LibraryItemFactory, ThreadFactory, cohort_item

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def items(world):
    public = LibraryItemFactory(visibility=Visibility.PUBLIC, title_da="Offentlig materialebank",
                                title_en="Public materials bank", summary_en="Bricks reused.",
                                municipality=world.a.participation.municipality)
    secret = {
        "cohort": cohort_item(world.a.programme, title_da="ZZCOHORT hemmelig", title_en="ZZCOHORT secret"),
        "community": LibraryItemFactory(visibility=Visibility.COMMUNITY, title_da="ZZCOMMUNITY intern",
                                        title_en="ZZCOMMUNITY internal"),
        "unpublished": LibraryItemFactory(visibility=Visibility.PUBLIC, published_at=None,
                                          title_da="ZZDRAFT kladde", title_en="ZZDRAFT draft"),
        "hidden": LibraryItemFactory(visibility=Visibility.PUBLIC, hidden_at=timezone.now(),
                                     title_da="ZZHIDDEN skjult", title_en="ZZHIDDEN hidden"),
        "resource": LibraryItemFactory(visibility=Visibility.PUBLIC, kind=LibraryItem.Kind.RESOURCE,
                                       title_da="ZZRESOURCE skabelon", title_en="ZZRESOURCE template"),
    }
    ThreadFactory(title="ZZTHREAD spørgsmål")
    return public, secret


def test_nothing_non_public_ever_appears_for_an_anonymous_visitor(client, items):
    public, secret = items
    for lang in ("da", "en"):
        listing = client.get(reverse("community:showcase") + f"?lang={lang}").content.decode()
        feed = client.get(reverse("community:showcase-feed") + f"?lang={lang}").content.decode()
        assert public.title_da in listing or public.title_en in listing
        assert public.title_da in feed or public.title_en in feed
        for text in (listing, feed):
            assert "ZZ" not in text, [line for line in text.splitlines() if "ZZ" in line]
    for item in secret.values():
        assert client.get(reverse("community:showcase-item", args=[item.pk])).status_code == 404
        assert client.get(item.get_absolute_url()).status_code == 302  # the members' page asks to log in
        if item.kind != LibraryItem.Kind.RESOURCE:
            assert client.get(reverse("community:item-file", args=[item.pk])).status_code == 404
    assert client.get(reverse("community:search") + "?q=ZZ").status_code == 302


def test_signed_in_members_see_only_public_items_on_the_showcase_too(client, world, items):
    client.force_login(world.admin)  # an admin sees everything in the community, but not on the showcase
    listing = client.get(reverse("community:showcase")).content.decode()
    assert "ZZ" not in listing
    assert client.get(reverse("community:showcase-item", args=[items[1]["cohort"].pk])).status_code == 404


def test_the_showcase_speaks_the_requested_language_and_says_when_english_is_missing(client, world):
    english = LibraryItemFactory(visibility=Visibility.PUBLIC, title_da="Dansk titel", title_en="English title",
                                 summary_da="Dansk resumé", summary_en="English summary", body_da="Dansk tekst",
                                 body_en="English text")
    danish_only = LibraryItemFactory(visibility=Visibility.PUBLIC, title_da="Kun på dansk", title_en="",
                                     summary_en="", body_en="", body_da="Kun **dansk** tekst")
    page = client.get(english.get_showcase_url() + "?lang=en")
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.html["lang"] == "en" and page["Content-Language"] == "en"
    assert soup.h1.get_text() == "English title" and "not been translated" not in page.content.decode()
    assert soup.find("meta", attrs={"name": "description"})["content"] == "English summary"
    assert soup.find("meta", property="og:title")["content"] == "English title"
    assert soup.find("meta", property="og:locale")["content"] == "en_GB"
    alternates = {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate", hreflang=True)}
    assert alternates["da"].endswith(f"{english.get_showcase_url()}?lang=da")
    assert alternates["en"].endswith(f"{english.get_showcase_url()}?lang=en")
    assert alternates["x-default"].endswith(english.get_showcase_url())
    assert soup.find("link", rel="canonical")["href"].startswith("http")
    assert soup.find("link", type="application/atom+xml")["href"].endswith("feed/?lang=en")

    danish = BeautifulSoup(client.get(english.get_showcase_url() + "?lang=da").content, "html.parser")
    assert danish.html["lang"] == "da" and danish.h1.get_text() == "Dansk titel"

    missing = client.get(danish_only.get_showcase_url() + "?lang=en")
    soup = BeautifulSoup(missing.content, "html.parser")
    assert "has not been translated into English" in soup.get_text()
    assert soup.h1["lang"] == "da" and soup.h1.get_text() == "Kun på dansk"
    assert soup.find("meta", attrs={"name": "description"})["content"] == "Et kort resumé."
    # Without a summary the description is the text of the body, without markup.
    danish_only.summary_da = ""
    danish_only.save()
    soup = BeautifulSoup(client.get(danish_only.get_showcase_url() + "?lang=en").content, "html.parser")
    assert soup.find("meta", attrs={"name": "description"})["content"] == "Kun dansk tekst"


def test_the_atom_feed(client, items):
    public, _secret = items
    response = client.get(reverse("community:showcase-feed") + "?lang=en")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314  (our own feed)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Public materials bank"]
    entry = entries[0]
    assert entry.find(f"{ATOM}link").get("href").endswith(f"{public.get_showcase_url()}?lang=en")
    assert entry.find(f"{ATOM}summary").text == "Bricks reused."
    assert entry.find(f"{ATOM}id").text == f"tag:circular-cities,2021:showcase/{public.pk}"
    assert entry.find(f"{ATOM}author/{ATOM}name").text == str(public.municipality)
    danish = ET.fromstring(client.get(reverse("community:showcase-feed") + "?lang=da").content)  # noqa: S314  (our own feed)
    assert danish.find(f"{ATOM}entry/{ATOM}title").text == "Offentlig materialebank"


def test_the_language_link_keeps_the_page_and_filters(client, items):
    soup = BeautifulSoup(client.get(reverse("community:showcase") + "?kind=case&lang=en").content, "html.parser")
    switch = soup.find("a", hreflang="da", class_="header-link")
    assert switch["href"] == reverse("community:showcase") + "?kind=case&lang=da"
