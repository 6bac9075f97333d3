"""Copying a programme and keeping it as a template: its facilitators (and admins); everyone else who sees the
programme gets 403, who does not 404. Templates are shared among everyone who runs programmes: a facilitator of
another programme sees them and starts from them, but removes only their own programmes' templates."""

from blueprints.models import ProgrammeTemplate
from tests.authz import Case, everyone

FACILITATORS = everyone(403, admin=200, facilitator=200)


def slug(w):
    return {"slug": w.a.programme.slug}


def template(w):
    kept, _created = ProgrammeTemplate.objects.get_or_create(programme=w.a.programme,
                                                             defaults={"name_da": "Byforløb"})
    return {"pk": kept.pk}


CASES = {
    "blueprints:copy": Case(kwargs=slug, own=FACILITATORS),
    "blueprints:keep": Case(kwargs=slug, own=FACILITATORS),
    "blueprints:templates": Case(own=FACILITATORS, scoped=False),
    "blueprints:template-start": Case(kwargs=template, own=everyone(404, admin=200, facilitator=200),
                                      foreign={"facilitator": 200}),
    "blueprints:template-remove": Case(kwargs=template, method="post", own=everyone(404, admin=302, facilitator=302),
                                       foreign={"facilitator": 403}),
}
