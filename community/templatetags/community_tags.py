from django import template
from django.utils.translation import get_language

from municipalities.sdgs import sdg_badges as _sdg_badges

from ..markdown import markdown_to_text, render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Markdown rendered and sanitised (see community.markdown)."""
    return render_markdown(text)


@register.filter
def shown_lang(obj, field: str) -> str:
    """The language a bilingual field is shown in: English only if asked for and written, else Danish."""
    lang = (get_language() or "da")[:2]
    if lang == "en" and getattr(obj, f"{field}_en", ""):
        return "en"
    return "da"


@register.filter
def sdg_badges(numbers):
    return _sdg_badges(numbers)


@register.filter
def markdown_text(text) -> str:
    """The text of rendered Markdown, for meta descriptions: a plain (not safe) string that the template
    escapes like any other text."""
    return markdown_to_text(text)
