"""The embedded run's sent-mail page (issue 18.5): staff read every e-mail the platform wrote to var/mail as its
recipient sees it (HTML in a sandboxed frame, the text, attachments such as the .ics to download, links that
work); in production, with a real mail server, and for everyone but staff it does not exist (404)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import AdminFactory, UserFactory, build_world
from workshops.services import meeting_invite

pytestmark = pytest.mark.django_db
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


@pytest.fixture
def mailbox(settings, tmp_path):
    settings.EMAIL_BACKEND = FILE_BACKEND
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.PRODUCTION = False
    return tmp_path / "mail"


@pytest.fixture
def staff_client(client):
    client.force_login(AdminFactory(email="root@example.org"))  # is_staff
    return client


def invitation_mail(world, capture):
    """A real invitation e-mail of the platform (HTML, text and the meeting as .ics), written to the files."""
    from tests.notifications.factories import MeetingFactory

    side = world.a
    meeting = MeetingFactory(programme=side.programme, title_da="Sparring om møbler", title_en="Sparring on furniture")
    staff = side.users["staff"]
    with capture(execute=True):  # the invitation goes out after commit
        meeting_invite(meeting=meeting, by=side.users["facilitator"], people=[staff])
    return meeting, staff


def test_staff_see_every_sent_mail_as_the_recipient_does(staff_client, mailbox,
                                                         django_capture_on_commit_callbacks):
    world = build_world()
    meeting, staff = invitation_mail(world, django_capture_on_commit_callbacks)
    mail.send_mail("Plain one", "Only text, see http://testserver/", "noreply@example.org", ["x@example.org"])

    page = staff_client.get(reverse("mail:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Plain one" in html and staff.email in html and "meeting.ics" in html
    key = re.search(r'href="/sent-mail/([^"/]+)/"[^>]*>[^<]*Sparring', html).group(1)

    detail = staff_client.get(reverse("mail:detail", args=[key]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert f'src="{reverse("mail:html", args=[key])}"' in body and 'sandbox="allow-popups' in body
    assert "Sparring" in body and staff.email in body  # headers and the text part

    frame = staff_client.get(reverse("mail:html", args=[key]))
    assert frame.status_code == 200
    assert "sandbox" in frame["Content-Security-Policy"] and "script" not in frame["Content-Security-Policy"]
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    frame_html = frame.content.decode()
    assert '<base target="_blank">' in frame_html
    # the links in the mail work: the meeting page opens for the recipient
    link = re.search(r'href="https?://[^/"]+(/meetings/\d+/)"', frame_html).group(1)
    staff_client.force_login(staff)
    assert staff_client.get(link).status_code == 200

    staff_client.force_login(AdminFactory(email="root2@example.org"))
    ics = staff_client.get(reverse("mail:attachment", args=[key, 1]))
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")
    assert ics["Content-Disposition"] == 'attachment; filename="meeting.ics"'
    content = ics.content.decode()
    assert "BEGIN:VCALENDAR" in content and "Sparring" in content
    assert meeting.pk


def test_danish_page(staff_client, mailbox):
    mail.send_mail("Hej", "Tekst", "noreply@example.org", ["x@example.org"])
    staff_client.cookies["django_language"] = "da"
    assert "Sendt e-mail" in staff_client.get(reverse("mail:list")).content.decode()


def test_an_empty_mailbox_says_when_reminders_come(staff_client, mailbox):
    assert "within a few minutes" in staff_client.get(reverse("mail:list")).content.decode()


@pytest.mark.parametrize("who", ["anonymous", "facilitator", "politician", "member"])
def test_nobody_but_staff_finds_the_page(client, mailbox, who):
    world = build_world()
    mail.send_mail("Secret", "Text", "noreply@example.org", ["x@example.org"])
    key = next(mailbox.iterdir()).name + ":0"
    if who == "facilitator":
        client.force_login(world.a.users["facilitator"])
    elif who == "politician":
        client.force_login(world.b.users["politician"])
    elif who == "member":
        client.force_login(UserFactory(is_staff=False))
    for url in (reverse("mail:list"), reverse("mail:detail", args=[key]), reverse("mail:html", args=[key]),
                reverse("mail:attachment", args=[key, 1])):
        assert client.get(url).status_code == 404, url


def test_production_and_a_real_mail_server_have_no_such_page(staff_client, mailbox, settings):
    mail.send_mail("Secret", "Text", "noreply@example.org", ["x@example.org"])
    key = next(mailbox.iterdir()).name + ":0"
    settings.PRODUCTION = True
    assert staff_client.get(reverse("mail:list")).status_code == 404
    assert staff_client.get(reverse("mail:detail", args=[key])).status_code == 404
    settings.PRODUCTION = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert staff_client.get(reverse("mail:list")).status_code == 404


@pytest.mark.parametrize("key", ["..:0", "20261205-053034-1.log:9", "passwd:0", "20261205-053034-1.log:x",
                                 "..%2F..%2Fetc%2Fpasswd:0"])
def test_keys_that_name_no_message_are_404(staff_client, mailbox, key):
    mail.send_mail("One", "Text", "noreply@example.org", ["x@example.org"])
    assert staff_client.get(f"/sent-mail/{key}/").status_code == 404


def test_the_navigation_shows_the_page_to_staff_only(client, mailbox):
    world = build_world()
    client.force_login(AdminFactory(email="root@example.org"))
    assert reverse("mail:list") in client.get(reverse("home")).content.decode()
    client.force_login(world.a.users["facilitator"])
    assert reverse("mail:list") not in client.get(reverse("home")).content.decode()


def test_make_run_prints_where_the_reminders_show():
    from circular_cities.embedded import where_reminders_show

    text = where_reminders_show("http://127.0.0.1:8000", {"REMINDER_SCAN_EVERY_SECONDS": "60"})
    assert "http://127.0.0.1:8000/sent-mail/" in text and "/notifications/" in text and "60 s" in text
    assert "/sent-mail/" not in where_reminders_show("http://h:1", {"EMAIL_URL": "smtp://mail.example.org"})
