"""Hostile and careless uploads: each is refused with a message, or cleaned before it is stored."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from circular_cities.uploads import clean_document, clean_image


def image_bytes(fmt="JPEG", size=(64, 48), color=(200, 30, 30), **save_kwargs) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save_kwargs)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    gps = {1: "N", 2: (55.0, 40.0, 30.0), 3: "E", 4: (12.0, 34.0, 56.0)}
    exif[0x8825] = gps
    return exif.tobytes()


@pytest.mark.parametrize("fmt,content_type", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_accepted_formats_come_back_re_encoded_with_a_thumbnail(fmt, content_type):
    result = clean_image(upload(image_bytes(fmt, size=(1200, 900)), name="x.bin"))
    assert result.content_type == content_type
    thumb = Image.open(io.BytesIO(result.thumbnail.read()))
    assert max(thumb.size) <= 480
    assert not result.image.name.startswith("x")  # random name, nothing of the original


def test_gps_exif_is_removed_and_orientation_kept():
    data = image_bytes(size=(40, 20), exif=gps_exif())
    assert b"PhoneMaker" in data
    result = clean_image(upload(data))
    stored = result.image.read()
    assert b"PhoneMaker" not in stored
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif()  # no EXIF at all, so no GPS
    assert "exif" not in image.info
    assert image.size == (20, 40)  # the 90° orientation was applied to the pixels before EXIF went


def test_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # tiny file, 400 million pixels
    assert len(out.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(ValidationError):
        clean_image(upload(out.getvalue(), name="bomb.png", content_type="image/png"))


@pytest.mark.parametrize("payload,name", [
    (b"<html><script>alert(1)</script></html>", "photo.jpg"),
    (b"#!/bin/sh\nrm -rf /\n", "holiday.png"),
    (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "scan.jpg"),
])
def test_non_images_with_image_names_are_refused(payload, name):
    with pytest.raises(ValidationError) as error:
        clean_image(upload(payload, name=name))
    assert "JPEG, PNG or WebP" in " ".join(error.value.messages)


def test_truncated_image_is_refused():
    data = image_bytes(size=(800, 600), color=(10, 120, 40))
    with pytest.raises(ValidationError):
        clean_image(upload(data[: len(data) // 2]))


def test_oversized_file_is_refused_before_decoding():
    with pytest.raises(ValidationError) as error:
        clean_image(upload(image_bytes()), max_bytes=100)
    assert error.value.code == "too_large"


def test_other_image_formats_are_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(ValidationError):
        clean_image(upload(out.getvalue(), name="anim.gif", content_type="image/gif"))


def test_pdf_and_docx_documents_are_recognised_by_content():
    pdf = clean_document(upload(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", name="agenda.txt"))
    assert (pdf.extension, pdf.content_type) == ("pdf", "application/pdf")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    docx = clean_document(upload(out.getvalue(), name="minutes.pdf"))
    assert docx.extension == "docx"


def test_documents_with_macros_scripts_or_no_content_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    for data in (out.getvalue(), b"<script>alert(1)</script>", b"MZ\x90\x00 windows executable", b""):
        with pytest.raises(ValidationError):
            clean_document(upload(data, name="x.docx"))
