"""Markdown written by members, turned into HTML that cannot run anything.

Markdown is rendered with Python-Markdown, then *everything* goes through nh3 (ammonia) with a short
allow-list: raw HTML in the source, ``javascript:``/``data:`` links, event-handler attributes, comments and
unknown tags are removed whatever the Markdown renderer let through. The source is stored; the HTML is made
when shown and kept in a small per-process cache keyed by the source, so a stricter policy applies at once.
"""

import re
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "pre",
    "table", "thead", "tbody", "tr", "th", "td", "br", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"


EXTENSIONS = ["tables", "sane_lists"]
HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def _outline(html: str) -> str:
    """A page has one h1 (its title), and headings must not skip levels: the heading levels a text uses,
    whatever they are, become h2, h3, h4 in the same order ("## A" + "#### B" → h2 + h3)."""
    levels = sorted({int(level) for _slash, level in HEADING.findall(html)})
    if not levels:
        return html
    mapping = {level: min(2 + index, 4) for index, level in enumerate(levels)}
    return HEADING.sub(lambda m: f"<{m.group(1)}h{mapping[int(m.group(2))]}", html)


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel=LINK_REL, strip_comments=True, clean_content_tags={"script", "style"})


@lru_cache(maxsize=1024)
def _render(text: str) -> str:
    html = markdown_lib.markdown(text, extensions=EXTENSIONS, output_format="html")
    return sanitise(_outline(html))


def render_markdown(text) -> SafeString:
    if not text:
        return mark_safe("")  # noqa: S308
    return mark_safe(_render(str(text)))  # noqa: S308  (sanitised by nh3 above)


def markdown_to_text(text, limit: int | None = None) -> str:
    """The plain text of rendered Markdown (for notifications and page descriptions). Not marked safe:
    wherever it is shown, it is escaped like any other text."""
    from html import unescape

    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    plain = " ".join(unescape(strip_tags(str(render_markdown(text)))).split())
    return Truncator(plain).chars(limit) if limit else plain
