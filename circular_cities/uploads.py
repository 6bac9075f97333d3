"""Uploads we accept, checked by content and rewritten before anything is stored.

Images (JPEG, PNG, WebP) are decoded with Pillow inside byte and pixel limits,
turned upright by their EXIF orientation, and re-encoded from the pixels alone,
so no metadata (EXIF, GPS, XMP, ICC comments) survives. Documents (PDF and
Office Open XML) are recognised by their bytes, not their names. A refused file
raises ``ValidationError`` with a message for the person who sent it; nothing is
written anywhere until a service saves the cleaned result.
"""

from __future__ import annotations

import io
import secrets
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # about 7,700 × 5,200: any phone photo, no decompression bomb
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
THUMBNAIL_SIZE = (480, 480)
DISPLAY_SIZE = (2048, 2048)

OOXML_TYPES = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}


@dataclass
class CleanImage:
    image: ContentFile
    thumbnail: ContentFile
    content_type: str
    width: int
    height: int


@dataclass
class CleanDocument:
    file: ContentFile
    content_type: str
    extension: str


def random_name(extension: str) -> str:
    """Stored names say nothing about the person, the place or the original file."""
    return f"{secrets.token_hex(16)}.{extension}"


def _read_limited(upload, limit: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(_("The file is too large (%(size)s). The limit is %(limit)s.")
                              % {"size": filesizeformat(size), "limit": filesizeformat(limit)}, code="too_large")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_("The file is too large. The limit is %(limit)s.") % {"limit": filesizeformat(limit)},
                              code="too_large")
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    return data


def clean_image(upload, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS) -> CleanImage:
    """Check an uploaded photo by its content and return a re-encoded copy and a thumbnail."""
    data = _read_limited(upload, max_bytes)
    refused = ValidationError(
        _("This file is not a photo we can use. Upload a JPEG, PNG or WebP image."), code="not_an_image"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in IMAGE_FORMATS:
                raise refused
            width, height = probe.size
            if width * height > max_pixels:
                raise ValidationError(_("The image is too large (%(w)s × %(h)s pixels). The limit is %(limit)s "
                                        "million pixels.") % {"w": width, "h": height,
                                                              "limit": max_pixels // 1_000_000},
                                      code="too_many_pixels")
            probe.verify()  # structure check; the image must be opened again after verify()
            image = Image.open(io.BytesIO(data))
            image.load()  # decodes every pixel: truncated files fail here
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        raise refused from error

    source_format = image.format
    image = ImageOps.exif_transpose(image)  # keep the orientation the camera recorded, then drop EXIF
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    display = image.copy()
    display.thumbnail(DISPLAY_SIZE)
    thumbnail = image.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    extension, content_type = IMAGE_FORMATS[source_format]
    return CleanImage(
        image=ContentFile(_encode(display, source_format), name=random_name(extension)),
        thumbnail=ContentFile(_encode(thumbnail, source_format), name=random_name(extension)),
        content_type=content_type,
        width=display.width,
        height=display.height,
    )


def _encode(image: Image.Image, fmt: str) -> bytes:
    """Encode from pixels only: no exif=, no icc_profile=, no info carried over."""
    out = io.BytesIO()
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    if fmt == "JPEG":
        if clean.mode not in ("RGB", "L"):
            clean = clean.convert("RGB")
        clean.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=85)
    return out.getvalue()


def clean_document(upload, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> CleanDocument:
    """Accept PDF and Office Open XML (docx, xlsx, pptx) files, recognised by their content."""
    data = _read_limited(upload, max_bytes)
    refused = ValidationError(
        _("This file type is not accepted. Upload a PDF, a Word, Excel or PowerPoint file (docx, xlsx, pptx), "
          "or an image."), code="bad_type")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("The PDF file seems to be cut off. Try saving it again."), code="truncated")
        return CleanDocument(ContentFile(data, name=random_name("pdf")), "application/pdf", "pdf")
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                if "[Content_Types].xml" not in names or archive.testzip() is not None:
                    raise refused
                if any(name.lower().endswith(".bin") and "vbaproject" in name.lower() for name in names):
                    raise ValidationError(_("Files with macros are not accepted."), code="macros")
                for prefix, (extension, content_type) in OOXML_TYPES.items():
                    if any(name.startswith(prefix) for name in names):
                        return CleanDocument(ContentFile(data, name=random_name(extension)), content_type, extension)
        except (zipfile.BadZipFile, RuntimeError) as error:
            raise refused from error
    raise refused
