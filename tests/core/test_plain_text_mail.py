"""Plain-text mail is not HTML: a title with "&" or an apostrophe arrives as written, in the subject and in the
text body, while the HTML alternative still escapes it."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from tests.calls.helpers import danish_municipality, make_call, submitted_application
from tests.factories import facilitator_of
from tests.workshops.factories import MeetingFactory
from workshops import services as workshop_services

pytestmark = pytest.mark.django_db

TITLE = "Møde & værksted: 'genbrug' <i dag>"

MAIL_TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").glob("*/email/*.txt"))


def test_there_are_text_mail_templates_to_check():
    assert len(MAIL_TEMPLATES) >= 30


@pytest.mark.parametrize("path", MAIL_TEMPLATES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_text_mail_template_writes_values_as_they_are(path):
    """A new subject or text body must turn off HTML escaping, or its titles arrive as &amp; and &#x27;."""
    text = path.read_text()
    assert "{% autoescape off %}" in text and text.rstrip().endswith("{% endautoescape %}"), path


def test_a_meeting_invitation_keeps_the_title_as_written_in_danish(world, django_capture_on_commit_callbacks):
    programme = world.a.programme
    facilitator = facilitator_of(programme)
    staff = world.a.users["staff"]
    staff.language = "da"
    staff.save(update_fields=["language"])
    starts = (timezone.localtime() + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = MeetingFactory(programme=programme, title_da=TITLE, starts_at=starts, ends_at=starts + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        workshop_services.meeting_invite(meeting=meeting, by=facilitator, people=[staff])
    sent = [m for m in mail.outbox if m.to == [staff.email]]
    assert len(sent) == 1
    message = sent[0]
    assert message.subject.endswith(f"{TITLE} ({starts:%d.%m.%Y})"), message.subject
    assert TITLE in message.subject and "&amp;" not in message.subject and "&#x27;" not in message.subject
    assert TITLE in message.body and "&amp;" not in message.body and "&#x27;" not in message.body
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    assert "Møde &amp; værksted" in html and "&lt;i dag&gt;" in html


def test_an_application_receipt_keeps_the_call_title_as_written(world, django_capture_on_commit_callbacks):
    call = make_call(world.a)
    call.title_da = TITLE
    call.save(update_fields=["title_da"])
    with django_capture_on_commit_callbacks(execute=True):
        submitted_application(call, danish_municipality("Aarhus"))
    receipt = next(m for m in mail.outbox if "Kvittering" in m.subject)
    assert TITLE in receipt.subject and TITLE in receipt.body
    assert "&amp;" not in receipt.body + receipt.subject and "&#x27;" not in receipt.body + receipt.subject
