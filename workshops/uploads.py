"""Checking uploaded meeting materials by their content, never by the name or the browser's type.

* images (JPEG, PNG, WebP): opened and verified with Pillow, limited in bytes and pixels, re-encoded
  (orientation applied, EXIF/GPS and other metadata dropped);
* PDFs: must begin with ``%PDF-``;
* Word, Excel and PowerPoint (docx/xlsx/pptx): a zip holding ``[Content_Types].xml`` that declares the
  main part of that kind of document; macro-enabled documents and oversized archives are refused.

Anything else is refused with a message that says what is accepted. Nothing is stored here.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # e.g. 8000 × 5000
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000

IMAGE_FORMATS = {  # Pillow format: (extension, content type, accepted file-name extensions)
    "JPEG": ("jpg", "image/jpeg", {"jpg", "jpeg"}),
    "PNG": ("png", "image/png", {"png"}),
    "WEBP": ("webp", "image/webp", {"webp"}),
}
OFFICE_TYPES = {  # extension: (content type of the file, content type of its main part)
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
}


@dataclass
class CheckedFile:
    content: bytes
    extension: str
    content_type: str
    kind: str  # Material.Kind


def _refuse(message: str):
    raise ValidationError({"file": message})


def accepted_types_text() -> str:
    return _("Images (JPEG, PNG, WebP), PDF, Word (.docx), Excel (.xlsx) or PowerPoint (.pptx), at most 10 MB.")


def check_upload(upload) -> CheckedFile:
    """Return the file's (possibly re-encoded) content, or raise ValidationError on the ``file`` field."""
    if upload is None:
        _refuse(_("Choose a file."))
    if upload.size > MAX_BYTES:
        _refuse(_("The file is %(size)s MB; at most 10 MB is allowed.") % {"size": f"{upload.size / 1048576:.1f}"})
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        _refuse(_("The file is larger than 10 MB."))
    if not data:
        _refuse(_("The file is empty."))
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if data.startswith(b"%PDF-"):
        if extension != "pdf":
            _refuse(_("The file is a PDF but its name does not end in .pdf."))
        return CheckedFile(data, "pdf", "application/pdf", "pdf")
    if data.startswith(b"PK\x03\x04"):
        return _check_office(data, extension)
    return _check_image(data, extension)


def _check_image(data: bytes, extension: str) -> CheckedFile:
    from .models import Material

    not_accepted = _("This kind of file is not accepted. Accepted are: %(types)s") % {"types": accepted_types_text()}
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in IMAGE_FORMATS:
                _refuse(not_accepted)
            if width * height > MAX_PIXELS:
                _refuse(_("The image is %(width)d × %(height)d pixels; at most 40 megapixels are allowed.") % {
                    "width": width, "height": height})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the orientation the camera recorded, then drop EXIF
            out = io.BytesIO()
            if image_format == "JPEG":
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.save(out, "JPEG", quality=88, optimize=True)
            elif image_format == "PNG":
                image.save(out, "PNG", optimize=True)
            else:
                image.save(out, "WEBP", quality=88)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        _refuse(not_accepted)
    ext, content_type, accepted_extensions = IMAGE_FORMATS[image_format]
    if extension not in accepted_extensions:
        _refuse(_("The file is a %(format)s image but its name ends in “.%(extension)s”.") % {
            "format": image_format, "extension": extension})
    return CheckedFile(out.getvalue(), ext, content_type, Material.Kind.IMAGE)


def _check_office(data: bytes, extension: str) -> CheckedFile:
    from .models import Material

    if extension not in OFFICE_TYPES:
        _refuse(_("This kind of file is not accepted. Accepted are: %(types)s") % {"types": accepted_types_text()})
    content_type, main_part = OFFICE_TYPES[extension]
    broken = _("The file is not a valid .%(extension)s document.") % {"extension": extension}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNZIPPED_BYTES:
                _refuse(broken)
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                _refuse(broken)
            if info.file_size > 1024 * 1024:
                _refuse(broken)
            types = archive.read(info).decode("utf-8", errors="replace")
    except ValidationError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        _refuse(broken)
    if "macroenabled" in types.lower() or "vbaproject" in types.lower():
        _refuse(_("Documents with macros are not accepted. Save it without macros (.%(extension)s) and try again.")
                % {"extension": extension})
    if f'ContentType="{main_part}"' not in types:
        _refuse(broken)
    return CheckedFile(data, extension, content_type, Material.Kind.DOCUMENT)
