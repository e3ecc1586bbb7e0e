"""Files that come with a report or a follow-up: checked by their content (never by
the name or type the sender claims), size-limited, and rewritten so that nothing of
the sender survives the upload (DESIGN.md §5): images are re-encoded from their
pixels (no GPS position, camera, owner), PDFs are rebuilt from their pages alone (no
author, XMP, scripts, embedded files, comments' authors or form data). Any other
type, and any file that cannot be cleaned, is refused — never kept as it came."""

import io
import logging
from dataclasses import dataclass

import pikepdf
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pikepdf import Array, Dictionary, Name, ObjectSet, Stream, StreamDecodeLevel
from pikepdf.sanitize import Sanitizer
from PIL import Image, ImageOps, UnidentifiedImageError

from aduan.lib.errors import InvalidInput

logger = logging.getLogger(__name__)

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
PDF = ("application/pdf", ".pdf")
# A photo larger than this many pixels is refused rather than decoded (memory bombs).
MAX_PIXELS = 40_000_000
# A PDF is refused beyond these (bombs: a small file that costs minutes or gigabytes
# to read). Generous for any letter, form or scan a report comes with. Cleaning
# decodes no page content and no image, only the object streams (which hold the
# objects of a compressed PDF) and the filters around a JPEG: each such stream up to
# MAX_PDF_STREAM_BYTES (qpdf's own limit, process-wide, set once here), all together
# up to MAX_PDF_DECODED_BYTES.
MAX_PDF_PAGES = 500
MAX_PDF_OBJECTS = 200_000
MAX_PDF_STREAM_BYTES = 32 * 1024 * 1024
MAX_PDF_DECODED_BYTES = 128 * 1024 * 1024
pikepdf.settings.set_qpdf_limits(
    flate_max_memory=MAX_PDF_STREAM_BYTES,
    run_length_max_memory=MAX_PDF_STREAM_BYTES,
    png_max_memory=MAX_PDF_STREAM_BYTES,
    tiff_max_memory=MAX_PDF_STREAM_BYTES,
    doc_max_warnings=1000,
)


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
        return CleanFile(ContentFile(_clean_pdf(data), name=f"file{PDF[1]}"), PDF[0])
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


# -- PDF -------------------------------------------------------------------------------

# What a rebuilt PDF keeps: the catalog points to the pages, and each page keeps what
# draws it. Everything else (document information, XMP, outlines, named scripts and
# files, forms, structure tree, annotations, thumbnails, beads, private data) goes.
_CATALOG_KEEP = frozenset({"/Type", "/Pages"})
_PAGE_KEEP = frozenset(
    {
        "/Type",
        "/Parent",
        "/Resources",
        "/Contents",
        "/MediaBox",
        "/CropBox",
        "/BleedBox",
        "/TrimBox",
        "/ArtBox",
        "/Rotate",
        "/UserUnit",
        "/Group",
    }
)
# Taken out of every object the pages still reach (fonts, images, form XObjects,
# patterns): metadata, private data, actions, associated and external files,
# alternate images, geospatial measures, references into the dropped structure.
_DROP_EVERYWHERE = tuple(
    Name(key)
    for key in (
        "/Metadata",
        "/PieceInfo",
        "/LastModified",
        "/A",
        "/AA",
        "/JS",
        "/Annots",
        "/AF",
        "/OPI",
        "/Ref",
        "/Thumb",
        "/Alternates",
        "/Measure",
        "/PtData",
        "/StructParent",
        "/StructParents",
    )
)
# A stream whose data lives in another file (PDF 7.3.8.2): the reference is dropped.
_DROP_FROM_STREAMS = tuple(Name(key) for key in ("/F", "/FFilter", "/FDecodeParms", "/DL"))
# Filters a stream may have if cleaning has to decode it: each bounded by
# MAX_PDF_STREAM_BYTES, or unable to expand much. LZW has no bound in qpdf.
_BOUNDED_FILTERS = frozenset(
    {"/FlateDecode", "/RunLengthDecode", "/ASCIIHexDecode", "/ASCII85Decode"}
)
# pikepdf's own sanitizer, every removal it offers, runs first; the allow-lists
# above then leave even less.
_SANITIZER = (
    Sanitizer()
    .remove_javascript()
    .remove_external_access()
    .remove_attachments()
    .remove_thumbnails()
    .remove_search_index()
    .remove_multimedia()
    .remove_web_capture()
    .remove_private_app_data()
    .remove_collection()
)


class _NotCleanable(Exception):
    """A PDF this module does not know how to clean: refused, never kept raw."""


def _pdf_refused(code: str) -> InvalidInput:
    messages: dict[str, str | Promise] = {
        "pdf_encrypted": _(
            "PDF ini dikunci dengan kata sandi sehingga tidak dapat kami periksa. "
            "Kirim PDF tanpa kata sandi."
        ),
        "pdf_unreadable": _(
            "PDF ini rusak atau tidak dapat dibaca. Simpan ulang sebagai PDF, "
            "atau kirim foto (JPEG, PNG, WebP)."
        ),
        "pdf_too_large": _(
            "PDF ini terlalu besar atau terlalu rumit untuk diperiksa "
            "(paling banyak %(pages)s halaman)."
        )
        % {"pages": MAX_PDF_PAGES},
        "pdf_not_cleanable": _(
            "PDF ini tidak dapat kami bersihkan dari data pribadi, jadi tidak disimpan. "
            "Cetak ulang sebagai PDF, atau kirim foto (JPEG, PNG, WebP)."
        ),
    }
    return InvalidInput(messages[code], code=code, field="file")


def _clean_pdf(data: bytes) -> bytes:
    """The PDF rebuilt from its pages alone, with a fresh /ID and no history."""
    try:
        pdf = pikepdf.open(io.BytesIO(data), conversion_mode="explicit")
    except pikepdf.PasswordError:
        raise _pdf_refused("pdf_encrypted") from None
    except Exception:  # any failure to read an untrusted file is a refusal
        raise _pdf_refused("pdf_unreadable") from None
    try:
        with pdf:
            pages = len(pdf.pages)
            if pages == 0:
                raise _pdf_refused("pdf_unreadable")
            if pages > MAX_PDF_PAGES:
                raise _pdf_refused("pdf_too_large")
            budget = _Budget(MAX_PDF_DECODED_BYTES)
            _pdf_object_streams_read(pdf, budget)
            _pdf_strip(pdf, budget)
            out = io.BytesIO()
            pdf.save(
                out,
                preserve_pdfa=False,
                fix_metadata_version=False,
                linearize=False,
                object_stream_mode=pikepdf.ObjectStreamMode.disable,
                # Streams are copied as they are, never decoded and re-encoded.
                stream_decode_level=StreamDecodeLevel.none,
                encryption=False,
            )
        cleaned = out.getvalue()
        with pikepdf.open(io.BytesIO(cleaned)) as check:
            if len(check.pages) != pages:
                raise _NotCleanable
    except InvalidInput:
        raise
    except Exception as error:  # qpdf's limits, damaged objects, odd types: refused
        logger.info("attachments: refused a PDF that could not be cleaned (%s)", type(error))
        raise _pdf_refused("pdf_not_cleanable") from None
    return cleaned


class _Budget:
    """The bytes cleaning may still decode before the PDF counts as a bomb."""

    def __init__(self, left: int) -> None:
        self.left = left

    def read(self, stream: Stream, level: StreamDecodeLevel) -> bytes:
        if not _filters(stream) <= _BOUNDED_FILTERS | {"/DCTDecode"}:
            raise _NotCleanable
        data = stream.read_bytes(level)  # each stream bounded by qpdf's own limits
        self.left -= len(data)
        if self.left < 0:
            raise _pdf_refused("pdf_too_large")
        return data


def _pdf_object_streams_read(pdf: pikepdf.Pdf, budget: _Budget) -> None:
    """Every object stream decoded once here, within the budget, before qpdf decodes
    them to find the objects they hold (one at a time, each within its own limit,
    but with no limit on all of them)."""
    xref = pdf.get_xref_table()
    if len(xref) > MAX_PDF_OBJECTS:
        raise _pdf_refused("pdf_too_large")
    containers = {entry.obj_stream_number for entry in xref.values() if entry.type == 2}
    for number in containers:
        if number is None:
            continue
        stream = pdf.get_object(number, 0)
        if not isinstance(stream, Stream):
            raise _NotCleanable
        budget.read(stream, StreamDecodeLevel.generalized)


def _pdf_strip(pdf: pikepdf.Pdf, budget: _Budget) -> None:
    _SANITIZER.apply(pdf)
    # What the reader sees of comments, stamps and filled-in fields stays, drawn into
    # the page; the annotations themselves (authors, dates, pop-ups, actions, links,
    # field values) go. Fields whose values are only drawn by the viewer go too.
    acroform = pdf.Root.get(Name.AcroForm)
    if isinstance(acroform, Dictionary) and Name.NeedAppearances in acroform:
        del acroform[Name.NeedAppearances]
    pdf.flatten_annotations(mode="screen")

    root = pdf.Root
    for key in set(root.keys()) - _CATALOG_KEEP:
        del root[Name(key)]
    # One flat page tree: the pages already carry what they inherited (pikepdf.open).
    tree = root[Name.Pages]
    kids = Array([page.obj for page in pdf.pages])
    for key in set(tree.keys()) - {"/Type", "/Kids", "/Count"}:
        del tree[Name(key)]
    for page in pdf.pages:
        for key in set(page.obj.keys()) - _PAGE_KEEP:
            del page.obj[Name(key)]
        page.obj[Name.Parent] = tree
    tree[Name.Kids] = kids
    tree[Name.Count] = len(kids)
    for key in set(pdf.trailer.keys()) - {"/Root", "/Size"}:
        del pdf.trailer[Name(key)]  # /Info, and /ID so that a fresh one is written

    # Not pikepdf's remove_unreferenced_resources: it parses the content of every page
    # and form, again for each page that shares it (50 pages sharing 40 MB of content,
    # a file of a few hundred kB, took eight minutes). Unused resources stay.
    _pdf_strip_reachable(pdf, budget)


def _pdf_strip_reachable(pdf: pikepdf.Pdf, budget: _Budget) -> None:
    """Drop the keys that carry metadata or reach outside from everything the pages
    still reach; take the metadata out of embedded JPEG images."""
    seen = ObjectSet()
    pending: list[pikepdf.Object] = [page.obj for page in pdf.pages]
    while pending:
        node = pending.pop()
        if not isinstance(node, Dictionary | Array | Stream) or not seen.add(node):
            continue
        if isinstance(node, Array):
            pending.extend(node)
            continue
        for key in _DROP_EVERYWHERE:
            if key in node:
                del node[key]
        if isinstance(node, Stream):
            for key in _DROP_FROM_STREAMS:
                if key in node:
                    del node[key]
            if node.get(Name.Subtype) == Name.Image:
                _pdf_image_strip(node, budget)
        pending.extend(node[Name(key)] for key in node.keys() if key != "/Parent")  # noqa: SIM118


def _filters(stream: Stream) -> set[str]:
    chosen = stream.get(Name.Filter)
    names = chosen if isinstance(chosen, Array) else [chosen] if chosen is not None else []
    return {str(name) for name in names}


def _pdf_image_strip(image: Stream, budget: _Budget) -> None:
    """A JPEG inside a PDF is kept as it is drawn, without its EXIF/XMP/comments."""
    filters = _filters(image)
    if "/DCTDecode" not in filters:
        return
    chain = image.get(Name.Filter)
    if isinstance(chain, Array) and len(chain) > 1:
        if str(chain[len(chain) - 1]) != "/DCTDecode":
            raise _NotCleanable
        # The JPEG under other filters: its bytes, then stored plainly.
        jpeg = budget.read(image, StreamDecodeLevel.generalized)
    else:
        jpeg = image.read_raw_bytes()
    stripped = jpeg_without_metadata(jpeg)
    if stripped is None:
        raise _NotCleanable
    image.write(stripped, filter=Name.DCTDecode)


# JPEG markers (ITU T.81 B.1.1.3) kept: frames, tables, restart interval, scans.
_JPEG_KEEP = frozenset(range(0xC0, 0xD0)) | frozenset(range(0xDA, 0xE0))
_JPEG_APP0, _JPEG_APP14, _JPEG_COM, _JPEG_SOS, _JPEG_EOI = 0xE0, 0xEE, 0xFE, 0xDA, 0xD9


def jpeg_without_metadata(data: bytes) -> bytes | None:
    """The same JPEG picture, losslessly, without APPn segments (EXIF, XMP, ICC,
    maker notes, thumbnails), comments or anything after its end; None when it is
    not a JPEG this can read. JFIF is kept without its thumbnail, Adobe's colour
    transform is kept: decoders need them."""
    if not data.startswith(b"\xff\xd8"):
        return None
    out = bytearray(b"\xff\xd8")
    at, size = 2, len(data)
    while at < size:
        if data[at] != 0xFF:
            return None
        while at < size and data[at] == 0xFF:  # fill bytes
            at += 1
        if at >= size:
            return None
        marker = data[at]
        if marker == _JPEG_EOI:
            return bytes(out + b"\xff\xd9")
        length = int.from_bytes(data[at + 1 : at + 3])
        body, end = data[at + 3 : at + 1 + length], at + 1 + length
        if length < 2 or end > size:
            return None
        if marker in _JPEG_KEEP:
            out += data[at - 1 : end]
        elif marker == _JPEG_APP0 and body.startswith(b"JFIF\x00") and len(body) >= 12:
            out += b"\xff\xe0\x00\x10" + body[:12] + b"\x00\x00"
        elif marker == _JPEG_APP14 and body.startswith(b"Adobe"):
            out += data[at - 1 : end]
        elif not (0xE0 <= marker <= 0xEF or marker == _JPEG_COM):
            return None
        at = end
        if marker == _JPEG_SOS:
            at = _jpeg_scan_end(data, at)
            out += data[end:at]
    return bytes(out)


def _jpeg_scan_end(data: bytes, at: int) -> int:
    """Where a scan's entropy-coded data ends: at the next marker that is not a
    stuffed 0xFF or a restart (or at the end of a truncated file)."""
    while True:
        found = data.find(b"\xff", at)
        if found < 0 or found + 1 >= len(data):
            return len(data)
        following = data[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            at = found + 2
        else:
            return found
