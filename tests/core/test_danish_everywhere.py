"""Danish means Danish (issue 15.12): every page each demo role can reach, the admin, and the e-mails, rendered in
Danish, show none of the English a translation gap leaves behind.

The pages are found by following the links from each person's home page (one page per URL name, GET only), so a
new page is checked without being listed here. The demo's user-written texts are Danish; the few English names
in it are proper nouns (Danish Design Center, Ellen MacArthur Foundation, C40) that the word list leaves alone."""

import re
from collections import deque
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from programmes.demo import demo_email, load_demo

pytestmark = pytest.mark.django_db

# Common interface English that a missing translation shows; whole words, case-sensitive. Words Danish shares
# ("Status", "Budget", "Upload", "Invitation", "Community") are left out.
ENGLISH = [
    "Add", "Change", "Delete", "Edit", "Save", "Search", "Filter", "Created", "Created at", "Updated", "User",
    "Users", "Ip", "User agent", "Reviewed by", "Historical", "Periodic tasks", "Successfully", "successfully",
    "Signed in", "Sign in", "Sign out", "Log out", "placeholder", "Authenticator", "Authenticators",
    "accepted by", "Home", "Previous", "Next", "Submit", "Cancel", "Yes", "No", "None", "Unknown", "Action",
    "Actions", "Details", "Settings", "Password", "Email", "E-mail address", "Name", "Date",
    "Programme", "Programmes", "Municipality", "Meeting", "Meetings", "Milestone", "Milestones", "Owner",
    "Due", "Overdue", "Sent", "Reminder", "Notifications", "Timeline", "View site",
    "Django administration", "Site administration", "Recent actions", "Clocked", "Crontabs", "Intervals",
    "Solar events", "Task results", "Group results", "Groups", "Sites", "Email addresses", "Social accounts",
    "Account", "Accounts", "Select", "Show", "Hide", "Download", "Invite", "Remove", "uploaded by", "invited by",
    "author", "search vector", "True", "False",
]
PATTERN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(ENGLISH, key=len, reverse=True))
                     + r")(?![\w-])")
SKIP_PATHS = ("/accounts/logout", "/i18n/", "/static/", "/media/", "/uploads/",
              # The scheduler's own screens (django-celery-beat) are an operator's tool in the library's English;
              # their names on the admin index are checked (and translated in locale/da).
              "/admin/django_celery_beat/")
SKIP_SUFFIXES = (".pdf", ".xlsx", ".csv", ".ics", ".json", ".zip", ".jpg", ".png", ".xml", ".txt")
PAGES_PER_ROLE = 80


def visible_text(html: str) -> str:
    """What a reader sees or hears: the text, the title and the labels for screen readers and fields;
    not scripts, not what is marked as another language (the language switch's "English")."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "noscript", "template"]):
        element.decompose()
    for element in soup.select("[lang]:not(html)"):
        if not element["lang"].startswith("da"):
            element.decompose()
    for element in soup.select('img[src*="admin/img/icon-"]'):
        element.decompose()  # the admin's yes/no icons: Django's own alt text ("True"), not ours to translate
    for element in soup.select("[data-user-content], .user-content"):
        element.decompose()  # written by people: any language they like
    parts = [soup.get_text(" ", strip=True)]
    for attribute in ("aria-label", "placeholder", "title", "alt"):
        parts += [element[attribute] for element in soup.select(f"[{attribute}]")]
    return " ".join(parts)


def english_in(text: str) -> list[str]:
    return sorted(set(PATTERN.findall(text)))


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client, start: str, limit: int = PAGES_PER_ROLE, only: str = "") -> dict[str, str]:
    """Follow the links from ``start``: each URL name once, GET only. {path: html}."""
    seen_names, pages = set(), {}
    queue = deque([start])
    while queue and len(pages) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc or parts.scheme or not parts.path.startswith("/"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.path.startswith(SKIP_PATHS) or parts.path.endswith(SKIP_SUFFIXES) or not parts.path.startswith(only):
            continue
        name = _url_name(parts.path)
        if name is None or name in seen_names:
            continue
        seen_names.add(name)
        response = client.get(path)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        pages[path] = html
        for link in BeautifulSoup(html, "html.parser").select("a[href]"):
            queue.append(link["href"].split("#")[0])
    return pages


@pytest.fixture
def demo():
    return load_demo()


def _findings(pages: dict[str, str]) -> str:
    """One line per page with English on it (empty when there is none)."""
    return "\n".join(f"{path}: {found}" for path, html in sorted(pages.items())
                     if (found := english_in(visible_text(html))))


@pytest.mark.parametrize("role", ["facilitator", "advisor", "staff", "politician", "observer"])
def test_every_page_a_role_reaches_is_danish(client, demo, role):
    from accounts.models import User

    client.force_login(User.objects.get(email=demo_email(role)))
    client.cookies["django_language"] = "da"
    pages = crawl(client, "/")
    assert len(pages) >= 15, sorted(pages)
    assert _findings(pages) == ""


def test_the_admin_and_my_data_are_danish(client, demo):
    from accounts.models import User

    client.force_login(User.objects.get(email=demo_email("admin")))
    client.cookies["django_language"] = "da"
    pages = crawl(client, "/admin/", limit=120, only="/admin/")
    pages.update(crawl(client, "/", limit=40))
    assert any(path.rstrip("/") == "/admin" for path in pages)
    assert _findings(pages) == ""
    sections = [caption.get_text(strip=True).lower()
                for caption in BeautifulSoup(pages["/admin/"], "html.parser").select("#content-main caption")]
    assert len(sections) == len(set(sections)), sections  # one "Konti" section, not two


def test_emails_in_danish(demo, django_capture_on_commit_callbacks):
    """The invitation, a meeting invitation and a reminder, sent to Danish speakers."""
    from accounts.models import Role
    from accounts.services import invitation_create
    from notifications.content import reminder_content
    from notifications.emails import send_reminder_email
    from notifications.models import Delivery
    from tests.notifications.factories import delivery_for
    from workshops.models import Meeting
    from workshops.services import meeting_create, meeting_invite

    programme = demo["programme"]
    facilitator = demo["users"]["facilitator"]
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(email="ny@example.org", role=Role.OBSERVER, invited_by=facilitator, language="da",
                          programme=programme)
    starts = timezone.now() + timedelta(days=30)
    meeting = meeting_create(programme=programme, by=facilitator, kind=Meeting.Kind.SPARRING,
                             title_da="Ekstra sparring", starts_at=starts, ends_at=starts + timedelta(hours=2),
                             place="Roskilde Rådhus")
    roskilde = programme.cohorts.get().participations.get(municipality__code="265")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_invite(meeting=meeting, by=facilitator, participations=[roskilde])
    staff = demo["users"]["staff"]
    milestone = programme.milestones.filter(owner=staff).first()
    delivery = delivery_for(milestone, staff, state=Delivery.State.CLAIMED)
    with translation.override(staff.language):  # as notifications.services does before it sends
        content = reminder_content(delivery, milestone, staff)
    send_reminder_email(delivery=delivery, target=milestone, user=staff, content=content)
    assert len(mail.outbox) >= 3
    for message in mail.outbox:
        html = next((body for body, kind in getattr(message, "alternatives", []) if kind == "text/html"), "")
        found = english_in(message.subject) + english_in(message.body) + english_in(visible_text(html))
        assert found == [], (message.subject, found)


def test_the_danish_texts_name_the_platform_in_danish():
    """The platform is "Cirkulære byer" in Danish (the header, the mails): no Danish text calls it Circular Cities."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[2] / "locale" / "da" / "LC_MESSAGES" / "django.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    english_name = [message.id for message in catalog if message.id and message.string and "Circular Cities" in (
        message.string if isinstance(message.string, str) else " ".join(message.string))]
    assert english_name == []
    with translation.override("da"):
        assert translation.gettext("Circular Cities") == "Cirkulære byer"
