"""Files that come with a report or a follow-up: checked by their content (never by
the name or type the sender claims), size-limited, and images re-encoded so that no
metadata (GPS position, camera, owner) survives the upload (DESIGN.md §5)."""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from aduan.lib.errors import InvalidInput

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
PDF = ("application/pdf", ".pdf")
# A photo larger than this many pixels is refused rather than decoded (memory bombs).
MAX_PIXELS = 40_000_000


@dataclass(frozen=True, slots=True)
class CleanFile:
    content: ContentFile[bytes]
    content_type: str


class FileTooLarge(InvalidInput):
    status = 413
    default_code = "file_too_large"


def clean_upload(data: bytes) -> CleanFile:
    """What may be stored of an uploaded file, or InvalidInput saying why not."""
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise FileTooLarge(
            _("Berkas terlalu besar (paling besar %(mb)s MB).")
            % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    if data.startswith(b"%PDF-"):
        return CleanFile(ContentFile(data, name=f"file{PDF[1]}"), PDF[0])
    return _clean_image(data)


def _refuse() -> InvalidInput:
    return InvalidInput(
        _("Jenis berkas tidak didukung. Kirim foto (JPEG, PNG, WebP) atau PDF."),
        code="unsupported_file",
        field="file",
    )


def _clean_image(data: bytes) -> CleanFile:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            if kind not in IMAGE_FORMATS or probe.width * probe.height > MAX_PIXELS:
                raise _refuse()
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            # Turn the picture upright first: the orientation tag goes with the rest.
            upright = ImageOps.exif_transpose(image)
            if upright.mode not in ("RGB", "RGBA", "L", "LA"):
                upright = upright.convert("RGBA" if "transparency" in upright.info else "RGB")
            # A new image from the raw pixels carries no EXIF, XMP, ICC or text chunks.
            pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse() from None
    if kind == "JPEG" and pixels.mode not in ("RGB", "L"):  # JPEG has no alpha
        pixels = pixels.convert("RGB")
    out = io.BytesIO()
    pixels.save(out, format=kind, quality=85)
    content_type, suffix = IMAGE_FORMATS[kind]
    return CleanFile(ContentFile(out.getvalue(), name=f"file{suffix}"), content_type)
