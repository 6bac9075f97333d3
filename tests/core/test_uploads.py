"""Hostile and careless uploads: each is refused with a message, or cleaned before it is stored."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from circular_cities import uploads as upload_module
from circular_cities.uploads import clean_document, clean_file, clean_image

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def office(main_type: str = DOCX_MAIN, *, extra: dict | None = None, types_extra: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/word/document.xml" ContentType="{main_type}"/>{types_extra}'
            '</Types>'))
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


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
    docx = clean_document(upload(office(), name="minutes.pdf"))
    assert docx.extension == "docx"
    xlsx = clean_document(upload(office(XLSX_MAIN), name="budget.bin"))
    assert (xlsx.extension, xlsx.content_type) == ("xlsx", upload_module.OOXML_BY_EXTENSION["xlsx"][0])


def test_documents_with_macros_scripts_or_no_content_are_refused():
    macros = office(extra={"word/vbaProject.bin": b"\x00macro"})
    undeclared = office("application/xml")  # a zip with content types, but no Office main part
    for data in (macros, undeclared, b"<script>alert(1)</script>", b"MZ\x90\x00 windows executable", b""):
        with pytest.raises(ValidationError):
            clean_document(upload(data, name="x.docx"))


def test_zip_bombs_are_refused_by_unpacked_size_and_entry_count(monkeypatch):
    bomb = office(extra={"word/media/zeros.bin": b"\0" * (2 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024  # small on the wire
    monkeypatch.setattr(upload_module, "MAX_UNZIPPED_BYTES", 1024 * 1024)
    with pytest.raises(ValidationError) as error:
        clean_document(upload(bomb, name="bomb.docx"))
    assert error.value.code == "bad_type"
    many = office(extra={f"word/part{i}.xml": "<x/>" for i in range(30)})
    monkeypatch.setattr(upload_module, "MAX_ZIP_ENTRIES", 20)
    with pytest.raises(ValidationError):
        clean_document(upload(many, name="many.docx"))


def test_match_name_insists_that_the_name_says_what_the_file_is():
    assert clean_document(upload(office(), name="notes.docx"), match_name=True).extension == "docx"
    cases = [
        (office(), "notes.xlsx", "not a valid .xlsx document"),
        (b"%PDF-1.7\n%%EOF\n", "notes.docx", "name does not end in .pdf"),
    ]
    for data, name, message in cases:
        with pytest.raises(ValidationError) as error:
            clean_document(upload(data, name=name), match_name=True)
        assert message in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        clean_image(upload(image_bytes("PNG"), name="plan.pdf"), match_name=True)
    assert "PNG image but its name ends in “.pdf”" in error.value.messages[0]
    clean_document(upload(office(), name="notes.xlsx"))  # without match_name the content decides


def test_clean_file_takes_images_and_documents_and_names_what_it_accepts():
    image = clean_file(upload(image_bytes(size=(3000, 1000)), name="wide.jpg"), display_size=None)
    assert (image.kind, image.extension, image.content_type) == ("image", "jpg", "image/jpeg")
    assert Image.open(io.BytesIO(image.file.read())).size == (3000, 1000)  # every pixel kept
    assert clean_file(upload(image_bytes(size=(3000, 1000)))).file.size < image.file.size  # scaled by default
    assert clean_file(upload(b"%PDF-1.7\n%%EOF\n", name="a.pdf")).kind == "pdf"
    assert clean_file(upload(office(), name="a.docx")).kind == "document"
    with pytest.raises(ValidationError) as error:
        clean_file(upload(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", name="x.gif"))
    assert "This kind of file is not accepted. Accepted are: Images (JPEG, PNG, WebP), PDF" in error.value.messages[0]
