"""The showcase as an Atom feed: public, published, not hidden items — in Danish or English (``?lang=``)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from calls.models import Call
from calls.selectors import open_calls

from .selectors import showcase_items

FEED_SIZE = 30


class ShowcaseFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        from .views import showcase_language

        return showcase_language(request)

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response.headers["Content-Language"] = translation.get_language()
        return response

    def title(self, lang):
        return _("Circular Cities — cases and solution models")

    def subtitle(self, lang):
        return _("Tested circular solution models and case stories from Danish municipalities.")

    def link(self, lang):
        return f"{reverse('community:showcase')}?lang={lang}"

    def feed_url(self, lang):
        return f"{reverse('community:showcase-feed')}?lang={lang}"

    def items(self, lang):
        # Open calls first (published while open, issue 19), then the showcase's items.
        calls = list(open_calls()[:FEED_SIZE])
        return calls + list(showcase_items()[:FEED_SIZE - len(calls)])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom's summary is declared as HTML: escape the plain text, so a reader shows it and never runs it.
        if isinstance(item, Call):
            return escape(item.text[:500])
        return escape(item.summary)

    def item_link(self, item):
        if isinstance(item, Call):
            return f"{item.get_absolute_url()}?lang={translation.get_language()}"
        return f"{item.get_showcase_url()}?lang={translation.get_language()}"

    def item_guid(self, item):
        if isinstance(item, Call):
            return f"tag:circular-cities,2021:call/{item.pk}"
        return f"tag:circular-cities,2021:showcase/{item.pk}"  # stable whatever the host or language

    def item_pubdate(self, item):
        if isinstance(item, Call):
            return item.opens_at
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        if isinstance(item, Call):
            return item.programme.name
        return str(item.municipality) if item.municipality_id else _("Circular Cities")

    def item_categories(self, item):
        if isinstance(item, Call):
            return [_("Open call")]
        return [str(label) for label in (item.get_kind_display(), item.get_material_stream_display()) if label]
