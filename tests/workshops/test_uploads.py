"""Meeting materials: checked by content, images re-encoded without EXIF, refused files leave nothing behind,
and files are only ever served after a permission check."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from circular_cities import uploads
from tests.factories import ProgrammeFactory, facilitator_of, observer_of
from tests.workshops.factories import MeetingFactory
from workshops import services
from workshops.models import Material

pytestmark = pytest.mark.django_db

GPS_TAG, ORIENTATION_TAG, MAKE_TAG = 0x8825, 0x0112, 0x010F


def _jpeg_with_exif(size=(40, 20), orientation=6) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[MAKE_TAG] = "SpyCam"
    exif[ORIENTATION_TAG] = orientation
    exif[GPS_TAG] = {1: "N", 2: (55.0, 40.0, 30.0), 3: "E", 4: (12.0, 34.0, 56.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 120, 60, 255)).save(out, "PNG")
    return out.getvalue()


def _office(main_type: str, extra_types: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>{extra_types}</Types>'))
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def meeting():
    return MeetingFactory()


@pytest.fixture
def facilitator(meeting):
    return facilitator_of(meeting.programme)


def test_a_photo_is_re_encoded_without_exif_or_gps_and_keeps_its_orientation(meeting, facilitator):
    upload = SimpleUploadedFile("Site visit.JPG", _jpeg_with_exif(), content_type="image/jpeg")
    material = services.material_add(meeting=meeting, by=facilitator, upload=upload)
    assert material.kind == Material.Kind.IMAGE and material.content_type == "image/jpeg"
    assert material.original_name == "Site visit.JPG" and material.title == "Site visit.JPG"
    assert "Site visit" not in material.file.name and material.file.name.endswith(".jpg")  # a random name
    with material.file.open("rb") as handle, Image.open(handle) as stored:
        assert stored.size == (20, 40)  # rotated as the camera said, then the tag dropped
        exif = stored.getexif()
        assert GPS_TAG not in exif and MAKE_TAG not in exif and ORIENTATION_TAG not in exif
    assert str(Path(settings.MEDIA_ROOT) / "private") in material.file.path  # never under a public URL
    with pytest.raises(ValueError):
        material.file.url  # noqa: B018


@pytest.mark.parametrize("name,content,kind", [
    ("plan.png", _png(), Material.Kind.IMAGE),
    ("programme.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", Material.Kind.PDF),
    ("notes.docx", _office(DOCX_MAIN), Material.Kind.DOCUMENT),
])
def test_accepted_kinds(meeting, facilitator, name, content, kind):
    material = services.material_add(meeting=meeting, by=facilitator, upload=SimpleUploadedFile(name, content),
                                     title="Bilag")
    assert material.kind == kind and material.title == "Bilag" and material.size > 0


@pytest.mark.parametrize("name,content,message", [
    ("virus.exe", b"MZ\x90\x00\x03" + b"\x00" * 100, "not accepted"),
    ("page.html", b"<html><script>alert(1)</script></html>", "not accepted"),
    ("photo.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not accepted"),
    ("fake.jpg", b"\xff\xd8\xff\xe0 this is not really a jpeg", "not accepted"),
    ("photo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not accepted"),
    ("report.docx", b"%PDF-1.4\n%%EOF\n", "name does not end in .pdf"),
    ("cut-off.pdf", b"%PDF-1.4\n1 0 obj\n", "cut off"),
    ("image.pdf", _png(), "PNG image"),
    ("macro.docx", _office(DOCX_MAIN, '<Default Extension="bin" ContentType="application/vnd.ms-office.'
                                      'vbaProject"/>'), "macros"),
    ("sheet.xlsx", _office(DOCX_MAIN), "not a valid .xlsx"),
    ("archive.docx", _office("application/xml"), "not a valid .docx"),
    ("empty.pdf", b"", "empty"),
])
def test_refused_files_leave_nothing_behind(meeting, facilitator, name, content, message):
    with pytest.raises(ValidationError) as error:
        services.material_add(meeting=meeting, by=facilitator, upload=SimpleUploadedFile(name, content))
    assert message in " ".join(error.value.message_dict["file"])
    assert not Material.objects.exists()
    assert _stored_files() == []


def test_too_large_and_too_many_pixels_are_refused(meeting, facilitator, monkeypatch):
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        services.material_add(meeting=meeting, by=facilitator, upload=big)
    assert "too large" in error.value.messages[0] and "10.0\xa0MB" in error.value.messages[0]
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 50)
    with pytest.raises(ValidationError) as error:
        services.material_add(meeting=meeting, by=facilitator, upload=SimpleUploadedFile("p.png", _png()))
    assert "pixels" in error.value.messages[0]
    assert not Material.objects.exists() and _stored_files() == []


def test_the_upload_page_shows_the_refusal_and_stores_nothing(client, meeting, facilitator):
    client.force_login(facilitator)
    url = reverse("workshops:material-add", args=[meeting.pk])
    response = client.post(url, {"title": "", "file": SimpleUploadedFile("x.html", b"<html></html>")})
    assert response.status_code == 200
    assert "This kind of file is not accepted" in response.content.decode()
    assert not Material.objects.exists() and _stored_files() == []
    response = client.post(url, {"title": "Program", "file": SimpleUploadedFile("p.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert response.status_code == 302
    assert Material.objects.get().title == "Program"


def test_files_are_served_only_to_people_who_see_the_meeting(client, meeting, facilitator):
    material = services.material_add(meeting=meeting, by=facilitator,
                                      upload=SimpleUploadedFile("p.pdf", b"%PDF-1.4\nsecret\n%%EOF\n"))
    url = reverse("workshops:material-download", args=[material.pk])
    client.force_login(observer_of(meeting.programme))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\nsecret\n%%EOF\n"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(observer_of(ProgrammeFactory()))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_deleting_a_material_removes_the_file(client, meeting, facilitator, django_capture_on_commit_callbacks):
    material = services.material_add(meeting=meeting, by=facilitator,
                                      upload=SimpleUploadedFile("p.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert len(_stored_files()) == 1
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workshops:material-delete", args=[material.pk]))
    assert response.status_code == 302
    assert not Material.objects.exists() and _stored_files() == []
