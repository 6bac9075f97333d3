"""Stored XSS: a list of payloads in EVERY text field the community shows — titles, summaries and bodies in
both languages, thread titles and questions, answers, adoption notes, report and moderation reasons, profile
fields and people's names — and every page that shows them (lists, detail pages, forms, search, the showcase
in both languages and the Atom feed) must contain no executable markup.

"Executable" is judged on the parsed page, not on its text: a title that *reads* ``<img onerror=…>`` is
harmless text (it is escaped), so the checks look for real elements and attributes — no ``<script>`` but our
own static scripts, no ``on…=`` event-handler attributes, no ``javascript:``/``data:``/``vbscript:`` URLs, no
frames, objects, SVG or meta refreshes."""

import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from community.models import Adoption, LibraryItem, ModerationAction, Report, Visibility
from tests.community.factories import LibraryItemFactory, PostFactory, ProfileFactory, ThreadFactory
from tests.factories import UserFactory, staff_of

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "'><svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(1)">js link</a>',
    "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>data link</a>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<!-- --><script>alert(1)</script><!-- -->",
    "--><script>alert(1)</script><!--",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div onmouseover="alert(1)" style="background:url(javascript:alert(1))">hover</div>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '" onmouseover="alert(1)" x="',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '![image](x" onerror="alert(1))',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<object data=javascript:alert(1)></object><embed src=javascript:alert(1)>",
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "poster", "background",
                  "content"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "svg", "math", "base", "frame", "frameset", "applet", "img", "style"}
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


def assert_inert_html(html: str, where: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        if tag.name == "script":
            assert tag.get("src", "").startswith("/static/") and not tag.string, f"{where}: script {tag}"
        assert tag.name not in FORBIDDEN_TAGS, f"{where}: <{tag.name}> {tag}"
        if tag.name == "meta":
            assert not tag.get("http-equiv"), f"{where}: {tag}"
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), f"{where}: event handler {name} on {tag}"
            assert name.lower() != "style", f"{where}: style attribute on {tag}"
            if name.lower() in URL_ATTRIBUTES:
                # Entities and control characters are decoded by the parser, as a browser would.
                text = re.sub(r"[\x00-\x20]", "", value if isinstance(value, str) else " ".join(value))
                assert not BAD_SCHEME.match(text), f"{where}: {name}={value!r} on {tag}"
    raw_scripts = len(re.findall(r"<script\b", html, re.IGNORECASE))
    assert raw_scripts == len(soup.find_all("script")), f"{where}: a <script that the parser did not see"


def assert_inert_feed(xml: bytes, where: str) -> None:
    assert b"<script" not in xml.lower()
    root = ET.fromstring(xml)  # noqa: S314  (our own feed)
    for element in root.iter():
        if element.get("type") == "html" and element.text:
            # A feed reader decodes type="html" content as HTML: what it decodes must be inert too.
            assert_inert_html(element.text, f"{where} <{element.tag}>")
        for name, value in element.attrib.items():
            if name in ("href", "src"):
                assert not BAD_SCHEME.match(value), f"{where}: {name}={value}"


@pytest.fixture
def poisoned(world):
    """For each payload: a public item, a thread with an answer, an adoption, a report, a moderation entry
    and a member — every text field holding the payload."""
    author = staff_of(world.a.participation.municipality)
    objects = []
    for number, payload in enumerate(PAYLOADS):
        person = UserFactory(full_name=payload[:150])
        staff_of(world.b.participation.municipality, user=person)
        ProfileFactory(user=person, organisation=payload[:200], expertise=payload[:300], bio=payload,
                       show_email=True)
        fields = {f"{name}_{lang}": payload for name in ("title", "summary", "body") for lang in ("da", "en")}
        if number % 3 == 0:  # without a summary, the page description comes from the body
            fields.update(summary_da="", summary_en="")
        item = LibraryItemFactory(kind=LibraryItem.Kind.SOLUTION_MODEL if number % 2 else LibraryItem.Kind.CASE,
                                  visibility=Visibility.PUBLIC, programme=world.a.programme, author=person,
                                  municipality=world.a.participation.municipality, **fields)
        Adoption.objects.create(item=item, municipality=world.b.other_participation.municipality, adopted_by=person,
                                note=payload)
        thread = ThreadFactory(title=payload[:200], body=payload, author=person,
                               municipality=world.a.participation.municipality)
        post = PostFactory(thread=thread, body=payload, author=person)
        Report.objects.create(item=item, reporter=person, reason=payload)
        Report.objects.create(post=post, reporter=person, reason=payload)
        ModerationAction.objects.create(thread=thread, action="restore", by=person, reason=payload)
        objects.append({"payload": payload, "item": item, "thread": thread, "person": person})
    return {"author": author, "objects": objects}


def _pages(url, pages=3):
    return [f"{url}{'&' if '?' in url else '?'}page={n}" for n in range(1, pages + 1)]


def test_member_pages_render_every_payload_inert(client, world, poisoned):
    client.force_login(world.admin)
    client.cookies["django_language"] = "en"
    urls = [reverse("community:index"), reverse("community:moderation"),
            *_pages(reverse("community:library")), *_pages(reverse("community:threads")),
            *_pages(reverse("community:members")), *_pages(reverse("community:municipalities"), 1)]
    for entry in poisoned["objects"]:
        item, thread, person = entry["item"], entry["thread"], entry["person"]
        urls += [item.get_absolute_url(), reverse("community:item-edit", args=[item.pk]),
                 reverse("community:report", args=["item", item.pk]), thread.get_absolute_url(),
                 reverse("community:member", args=[person.pk]),
                 reverse("community:search") + "?" + _q(entry["payload"]),
                 reverse("community:search") + "?" + _q(entry["payload"]) + "&type=people"]
    for url in urls:
        for language in ("en", "da"):
            client.cookies["django_language"] = language
            response = client.get(url)
            assert response.status_code == 200, url
            assert_inert_html(response.content.decode(), f"{url} ({language})")


def _q(payload):
    from django.utils.http import urlencode

    return urlencode({"q": payload})


def test_profile_and_adoption_forms_render_every_payload_inert(client, world, poisoned):
    for entry in poisoned["objects"]:
        client.force_login(entry["person"])
        assert_inert_html(client.get(reverse("community:profile")).content.decode(), "profile form")
        client.force_login(poisoned["author"])
        page = client.get(reverse("community:item-adopt", args=[entry["item"].pk])) if entry["item"].kind == \
            LibraryItem.Kind.SOLUTION_MODEL else client.get(reverse("community:thread-create"))
        assert_inert_html(page.content.decode(), "adopt / ask form")


def test_the_showcase_and_its_feed_render_every_payload_inert(client, poisoned):
    for language in ("en", "da"):
        for url in _pages(reverse("community:showcase") + f"?lang={language}", 2):
            assert_inert_html(client.get(url).content.decode(), url)
        for entry in poisoned["objects"]:
            url = entry["item"].get_showcase_url() + f"?lang={language}"
            response = client.get(url)
            assert response.status_code == 200
            assert_inert_html(response.content.decode(), url)
        feed = client.get(reverse("community:showcase-feed") + f"?lang={language}")
        assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
        assert_inert_feed(feed.content, f"feed ({language})")


def test_markdown_keeps_what_is_allowed():
    from community.markdown import render_markdown

    html = str(render_markdown(
        "# Title\n\nSome **bold** and *italic*, a [link](https://example.org) and `code`.\n\n- one\n- two\n\n"
        "> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[mail](mailto:a@example.org)"))
    assert "<h2>Title</h2>" in html and "<strong>bold</strong>" in html and "<em>italic</em>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">link</a>' in html
    assert "<table>" in html and "<blockquote>" in html and "<code>code</code>" in html
    assert 'href="mailto:a@example.org"' in html
