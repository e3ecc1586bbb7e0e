import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.test import override_settings
from PIL import Image

from aduan.core.models import StoredFile
from aduan.lib.errors import InvalidInput, NotFound, NotPermitted
from aduan.reports import services
from aduan.reports.models import Attachment, Report

from .conftest import Cast

GPS_TAG = 0x8825  # GPSInfo


@pytest.fixture(autouse=True, params=["filesystem", "database"])
def file_storage(request: pytest.FixtureRequest, settings: Any) -> str:
    """Every test here on both storages: a node's disk, and the database that a site
    of several nodes keeps its files in (aduan/core/storage.py)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": settings._FILE_STORAGES[request.param]},
    }
    return str(request.param)


ARTIST_TAG = 0x013B


def _photo(kind: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ARTIST_TAG] = "Siti Aminah"
    exif[GPS_TAG] = {1: "S", 2: (6.0, 42.0, 24.0), 3: "E", 4: (108.0, 33.0, 29.0)}
    exif[0x0112] = 6  # orientation: rotated
    out = io.BytesIO()
    image.save(out, format=kind, exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_a_photo_loses_its_metadata_and_keeps_its_picture(
    cast: Cast, make_report: Callable[..., Report], kind: str
) -> None:
    original = _photo(kind)
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get(ARTIST_TAG) == "Siti Aminah"
    attachment = services.report_attachment_add(
        actor=cast.owner, report=make_report(), data=original
    )
    stored = attachment.file.read()
    assert b"Siti Aminah" not in stored
    with Image.open(io.BytesIO(stored)) as after:
        assert dict(after.getexif()) == {}
        assert after.size == (48, 64)  # turned upright by its orientation tag
        assert after.format == kind
    assert attachment.content_type == f"image/{kind.lower()}"
    assert "siti" not in str(attachment.file.name).lower()


def test_a_pdf_is_accepted(cast: Cast, make_report: Callable[..., Report]) -> None:
    """Rebuilt, not kept as sent: tests/reports/test_file_cleaning.py."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    sent = io.BytesIO()
    pdf.save(sent)
    attachment = services.report_attachment_add(
        actor=cast.owner, report=make_report(), data=sent.getvalue()
    )
    assert attachment.content_type == "application/pdf"
    assert str(attachment.file.name).endswith(".pdf")


@pytest.mark.parametrize(
    "data",
    [b"<script>alert(1)</script>", b"GIF89a" + b"\x00" * 20, b"\xff\xd8\xff\xe0 broken jpeg", b""],
)
def test_anything_else_is_refused_by_its_content(
    cast: Cast, make_report: Callable[..., Report], data: bytes
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.report_attachment_add(actor=cast.owner, report=make_report(), data=data)
    assert caught.value.code == "unsupported_file"
    assert not Attachment.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=2048)
def test_a_file_over_the_limit_is_refused(cast: Cast, make_report: Callable[..., Report]) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.report_attachment_add(
            actor=cast.owner, report=make_report(), data=b"%PDF-" + b"x" * 4096
        )
    assert (caught.value.code, caught.value.status) == ("file_too_large", 413)


def test_who_may_attach(cast: Cast, dispositioned: Callable[..., Report]) -> None:
    report = dispositioned(confidential=True)
    photo = _photo()
    with pytest.raises(NotFound):
        services.report_attachment_add(actor=cast.other_citizen, report=report, data=photo)
    with pytest.raises(NotPermitted):
        services.report_attachment_add(actor=cast.liaison, report=report, data=photo)
    follow_up = services.report_follow_up(actor=cast.liaison, report=report, text="Foto hasil.")
    attached = services.report_attachment_add(
        actor=cast.liaison, report=report, data=photo, event=follow_up
    )
    assert attached.event == follow_up
    with pytest.raises(NotPermitted):
        services.report_attachment_add(actor=cast.owner, report=report, data=photo, event=follow_up)


def test_a_report_and_its_files_are_written_together_or_not_at_all(
    cast: Cast, settings: Any, file_storage: str
) -> None:
    media = Path(settings.MEDIA_ROOT)
    fields: dict[str, Any] = {
        "actor": cast.owner,
        "reporter": cast.reporter,
        "type": "complaint",
        "title": "Lampu jalan mati",
        "body": "Sudah seminggu.",
        "channel": "web",
    }
    good, bad = services.Upload("lampu.jpg", _photo()), services.Upload("virus.jpg", b"MZ\x90")
    with pytest.raises(InvalidInput, match=r"^virus\.jpg: "):
        services.report_create(**fields, files=[good, bad])
    assert not Report.objects.exists() and not Attachment.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    assert not StoredFile.objects.exists()

    report = services.report_create(**fields, files=[good, good])
    assert report.attachments.count() == 2
    on_disk = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert (len(on_disk), StoredFile.objects.count()) == (
        (2, 0) if file_storage == "filesystem" else (0, 2)
    )
    with override_settings(UPLOAD_MAX_FILES=1), pytest.raises(InvalidInput) as refused:
        services.report_create(**fields, files=[good, good])
    assert refused.value.code == "too_many_files"
