"""Uploads we accept, checked by content and rewritten before anything is stored.

Images (JPEG, PNG, WebP) are decoded with Pillow inside byte and pixel limits,
turned upright by their EXIF orientation, and re-encoded from the pixels alone,
so no metadata (EXIF, GPS, XMP, ICC comments) survives. Documents (PDF and
Office Open XML) are recognised by their bytes, not their names; Office files
must declare their main part, carry no macros and stay inside unpacked size and
entry limits (zip bombs). ``clean_file`` takes either kind; ``match_name=True``
also insists that the name's extension says what the file is. A refused file
raises ``ValidationError`` with a message for the person who sent it; nothing is
written anywhere until a service saves the cleaned result.
"""

from __future__ import annotations

import io
import secrets
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # about 7,700 × 5,200: any phone photo, no decompression bomb
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
IMAGE_NAME_EXTENSIONS = {"JPEG": {"jpg", "jpeg"}, "PNG": {"png"}, "WEBP": {"webp"}}
THUMBNAIL_SIZE = (480, 480)
DISPLAY_SIZE = (2048, 2048)

# Office Open XML, recognised by the content type of the main part that [Content_Types].xml declares.
OOXML_BY_EXTENSION = {  # extension: (content type of the file, content type of its main part)
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
}
# Zip bombs: an Office file is a zip archive; refuse ones that unpack to far more than any real document.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_CONTENT_TYPES_BYTES = 1024 * 1024


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


def clean_image(upload, *, max_bytes: int | None = None, max_pixels: int | None = None,
                display_size: tuple[int, int] | None = DISPLAY_SIZE, match_name: bool = False) -> CleanImage:
    """Check an uploaded photo by its content and return a re-encoded copy and a thumbnail.

    ``display_size``: the stored copy is scaled down to fit (None keeps every pixel). ``match_name``: the
    file's name must also end in an extension of its format."""
    max_bytes = MAX_IMAGE_BYTES if max_bytes is None else max_bytes
    max_pixels = MAX_IMAGE_PIXELS if max_pixels is None else max_pixels
    data = _read_limited(upload, max_bytes)
    refused = ValidationError(
        _("This file is not a photo we can use. Upload a JPEG, PNG or WebP image."), code="not_an_image"
    )

    def too_many_pixels(width, height):
        return ValidationError(_("The image is too large (%(w)s × %(h)s pixels). The limit is %(limit)s "
                                 "million pixels.") % {"w": width, "h": height, "limit": max_pixels // 1_000_000},
                               code="too_many_pixels")

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # A small file that unpacks to hundreds of millions of pixels: Pillow refuses it before we see the size.
        raise ValidationError(
            _("The image unpacks to far more pixels than any photo (a “decompression bomb”). The limit is "
              "%(limit)s million pixels.") % {"limit": max_pixels // 1_000_000}, code="decompression_bomb",
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise refused from error
    if probe.format not in IMAGE_FORMATS:
        raise refused
    width, height = probe.size
    if width * height > max_pixels:
        raise too_many_pixels(width, height)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe.verify()  # structure check; the image must be opened again after verify()
            image = Image.open(io.BytesIO(data))
            image.load()  # decodes every pixel: truncated files fail here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        # The file starts as a photo we know but cannot be read to its end: cut off in transfer, or damaged.
        raise ValidationError(
            _("The %(format)s image is damaged or cut off: it ends before all of its pixels. Save or export the "
              "photo again and upload the new file.") % {"format": probe.format}, code="damaged_image",
        ) from error

    source_format = image.format
    name_extension = _name_extension(upload)
    if match_name and name_extension not in IMAGE_NAME_EXTENSIONS[source_format]:
        raise ValidationError(_("The file is a %(format)s image but its name ends in “.%(extension)s”.")
                              % {"format": source_format, "extension": name_extension}, code="wrong_name")
    image = ImageOps.exif_transpose(image)  # keep the orientation the camera recorded, then drop EXIF
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    display = image.copy()
    if display_size:
        display.thumbnail(display_size)
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


def accepted_types_text() -> str:
    return _("Images (JPEG, PNG, WebP), PDF, Word (.docx), Excel (.xlsx) or PowerPoint (.pptx), at most 10 MB.")


def _name_extension(upload) -> str:
    return PurePath(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")


def clean_document(upload, *, max_bytes: int | None = None, match_name: bool = False) -> CleanDocument:
    """Accept PDF and Office Open XML (docx, xlsx, pptx) files, recognised by their content.

    ``match_name``: the file's name must also end in the extension of what it is (for files people
    download again under their own name, such as meeting materials)."""
    data = _read_limited(upload, MAX_DOCUMENT_BYTES if max_bytes is None else max_bytes)
    name_extension = _name_extension(upload)
    refused = ValidationError(
        _("This file type is not accepted. Upload a PDF, a Word, Excel or PowerPoint file (docx, xlsx, pptx), "
          "or an image."), code="bad_type")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("The PDF file seems to be cut off. Try saving it again."), code="truncated")
        if match_name and name_extension != "pdf":
            raise ValidationError(_("The file is a PDF but its name does not end in .pdf."), code="wrong_name")
        return CleanDocument(ContentFile(data, name=random_name("pdf")), "application/pdf", "pdf")
    if data.startswith(b"PK\x03\x04"):
        extension, content_type = _office_type(data, name_extension if match_name else None, refused)
        return CleanDocument(ContentFile(data, name=random_name(extension)), content_type, extension)
    raise refused


def _office_type(data: bytes, name_extension: str | None, refused: ValidationError) -> tuple[str, str]:
    """(extension, content type) of an Office Open XML file, decided by the main part its
    ``[Content_Types].xml`` declares. Archives too large unpacked or with too many entries (zip bombs),
    and macro-enabled documents are refused."""
    if name_extension is not None and name_extension in OOXML_BY_EXTENSION:
        broken = ValidationError(_("The file is not a valid .%(extension)s document.") % {"extension": name_extension},
                                 code="bad_document")
    else:
        broken = refused
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
                raise broken
            names = [entry.filename for entry in entries]
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                raise broken from None
            if info.file_size > MAX_CONTENT_TYPES_BYTES or archive.testzip() is not None:
                raise broken
            types = archive.read(info).decode("utf-8", errors="replace")
    except ValidationError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError) as error:
        raise broken from error
    if ("macroenabled" in types.lower() or "vbaproject" in types.lower()
            or any("vbaproject" in name.lower() for name in names)):
        raise ValidationError(_("Documents with macros are not accepted. Save it without macros (.%(extension)s) "
                                "and try again.") % {"extension": name_extension or "docx"}, code="macros")
    for extension, (content_type, main_part) in OOXML_BY_EXTENSION.items():
        if f'ContentType="{main_part}"' in types:
            if name_extension is not None and name_extension != extension:
                raise broken
            return extension, content_type
    raise broken


@dataclass
class CleanFile:
    """An accepted image or document, ready to store."""

    file: ContentFile
    content_type: str
    extension: str
    kind: str  # "image", "pdf" or "document"


def clean_file(upload, *, match_name: bool = False, display_size: tuple[int, int] | None = DISPLAY_SIZE) -> CleanFile:
    """An image (re-encoded as ``clean_image`` does) or a document (checked as ``clean_document`` does), told
    apart by content. Anything else is refused with the message that lists every accepted type."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith((b"%PDF-", b"PK\x03\x04")):
        document = clean_document(upload, match_name=match_name)
        kind = "pdf" if document.extension == "pdf" else "document"
        return CleanFile(document.file, document.content_type, document.extension, kind)
    try:
        image = clean_image(upload, display_size=display_size, match_name=match_name)
    except ValidationError as error:
        if error.code == "not_an_image":
            raise ValidationError(_("This kind of file is not accepted. Accepted are: %(types)s")
                                  % {"types": accepted_types_text()}, code="bad_type") from error
        raise
    return CleanFile(image.image, image.content_type, image.image.name.rsplit(".", 1)[-1], "image")
