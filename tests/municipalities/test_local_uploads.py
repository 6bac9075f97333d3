"""Hostile and careless photo uploads through the progress form: each is refused with a clear message and
leaves nothing behind, or (GPS EXIF) is stored without any metadata."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from municipalities.models import ProgressEntry, ProgressPhoto
from tests.municipalities.factories_local import image_bytes

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # a small file, 400 million pixels
    return out.getvalue()


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6  # rotate 90° to view
    exif[0x8825] = {1: "N", 2: (55.0, 40.0, 30.0), 3: "E", 4: (12.0, 34.0, 56.0)}
    return image_bytes(size=(40, 20), exif=exif.tobytes())


def post_entry(client, world, upload):
    client.force_login(world.a.users["staff"])
    url = reverse("municipalities:progress-create", args=[world.a.participation.pk])
    return client.post(url, {"happened_on": "2022-05-01", "what_happened": "Workshop", "status": "on_track",
                             "photos": [upload]})


HOSTILE = {
    "decompression bomb": ("bomb.png", bomb, "image/png"),
    "html with an image name": ("holiday.jpg", lambda: b"<html><script>alert(1)</script></html>", "image/jpeg"),
    "pdf": ("scan.jpg", lambda: b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf"),
    "truncated image": ("cut.jpg", lambda: image_bytes(size=(400, 300))[:600], "image/jpeg"),
    "oversized file": ("huge.jpg", lambda: image_bytes()[:4] + b"\0" * (10 * 1024 * 1024 + 1), "image/jpeg"),
}


@pytest.mark.parametrize("label", sorted(HOSTILE))
def test_hostile_upload_is_refused_and_nothing_is_stored(client, world, label):
    name, make, content_type = HOSTILE[label]
    response = post_entry(client, world, SimpleUploadedFile(name, make(), content_type=content_type))
    assert response.status_code == 200, label  # the form again, with a message
    text = response.content.decode()
    assert "The entry was not saved" in text or "ikke gemt" in text
    assert name in text  # the message names the refused file
    assert ProgressEntry.objects.count() == 0 and ProgressPhoto.objects.count() == 0
    assert stored_files() == [], label


def test_gps_exif_is_stripped_and_orientation_kept(client, world):
    response = post_entry(client, world, SimpleUploadedFile("IMG_0001.JPG", gps_jpeg(), content_type="image/jpeg"))
    assert response.status_code == 302
    photo = ProgressPhoto.objects.get()
    assert "IMG_0001" not in photo.image.name and "IMG_0001" not in photo.thumbnail.name
    assert str(Path(settings.MEDIA_ROOT) / "private") in photo.image.path
    for field in (photo.image, photo.thumbnail):
        with field.open("rb") as handle:
            data = handle.read()
        assert b"PhoneMaker" not in data
        stored = Image.open(io.BytesIO(data))
        assert not stored.getexif() and "exif" not in stored.info
    with photo.image.open("rb") as handle:
        assert Image.open(handle).size == (20, 40)
    with pytest.raises(ValueError):
        photo.image.url  # noqa: B018  (never a public URL)


def test_refused_photo_in_the_inline_form_shows_the_message_in_place(client, world):
    client.force_login(world.a.users["staff"])
    url = reverse("municipalities:progress-create", args=[world.a.participation.pk])
    response = client.post(url, {"happened_on": "2022-05-01", "what_happened": "Workshop", "status": "on_track",
                                 "photos": [SimpleUploadedFile("evil.jpg", b"<script>x</script>")]},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.text
    assert 'id="progress-form"' in response.text and "evil.jpg" in response.text
    assert "JPEG, PNG or WebP" in response.text or "JPEG, PNG eller WebP" in response.text
    assert ProgressEntry.objects.count() == 0 and stored_files() == []
