"""A file carries nothing of its reporter to the agency: a PDF is rebuilt from its
pages (no author, XMP, scripts, embedded files, comments' authors, form data, old
versions), a JPEG inside it loses its EXIF, a file that cannot be cleaned is refused,
and no file is ever served under the name it was uploaded with."""

import io
import re
import zlib
from collections.abc import Callable
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pikepdf import Dictionary, Name
from PIL import Image
from pypdf import PdfReader

from aduan.accounts.models import User
from aduan.accounts.tokens import api_token_issue
from aduan.lib.errors import InvalidInput
from aduan.reports import attachments, services
from aduan.reports.models import Attachment, Report
from tests.conftest import verified_client

from .conftest import Cast
from .pdf_samples import (
    NAME,
    PAGE_TEXT,
    STAMP_TEXT,
    expanded,
    mentions,
    photo_with_exif,
    planted_pdf,
)

UPLOAD_NAME = f"{NAME} KTP.pdf"
# Every word of the planted name, and what only the planted extras carried.
LEAKS = ("Budi", "Santoso", "app.alert", "JavaScript", "example.org", "nama_pelapor", "catatan")


def _leaks(data: bytes) -> list[str]:
    """What of the reporter the bytes still carry, as stored and fully decompressed."""
    return [text for text in LEAKS if mentions(data, text) or mentions(expanded(data), text)]


def _anonymous_report(cast: Cast, data: bytes, name: str = UPLOAD_NAME) -> Report:
    report = services.report_create(
        actor=cast.owner,
        reporter=cast.reporter,
        type="complaint",
        title="Jalan berlubang di depan pasar",
        body="Lubang besar di Jalan Siliwangi membahayakan pengendara motor.",
        channel="web",
        category="infrastruktur.jalan",
        location=services.Location(region="32.74.01"),
        anonymous=True,
        files=[services.Upload(name, data)],
    )
    services.report_dispose(
        actor=cast.national, report=report, agency_id=cast.kota.pk, unit_id=cast.pupr.pk
    )
    return Report.objects.get(pk=report.pk)


def test_the_planted_pdf_carries_the_name_everywhere_before_cleaning() -> None:
    """The sample is a fair test: each hiding place holds the name before cleaning."""
    original = planted_pdf()
    assert set(_leaks(original)) == set(LEAKS)
    with pikepdf.open(io.BytesIO(original)) as pdf:
        assert str(pdf.docinfo["/Author"]) == "Anonim"  # the update hid the old /Author
        assert pdf.attachments and "/OpenAction" in pdf.Root and "/AcroForm" in pdf.Root
        assert len(pdf.pages[0].obj.Annots) == 6


def test_a_pdf_keeps_its_pages_and_loses_everything_of_the_reporter(cast: Cast) -> None:
    original = planted_pdf()
    report = _anonymous_report(cast, original)
    stored = report.attachments.get()
    data = stored.file.read()

    assert _leaks(data) == []
    assert (stored.content_type, stored.size) == ("application/pdf", len(data))
    with pikepdf.open(io.BytesIO(data)) as pdf, pikepdf.open(io.BytesIO(original)) as before:
        assert set(pdf.Root.keys()) == {"/Type", "/Pages"}
        assert set(pdf.trailer.keys()) == {"/Root", "/Size", "/ID"}
        assert pdf.trailer.ID[0] != before.trailer.ID[0]  # a fresh identifier
        assert not pdf.is_encrypted and not pdf.attachments
        page = pdf.pages[0]
        assert "/Annots" not in page.obj and "/AA" not in page.obj
        assert "/Metadata" not in page.obj and "/PieceInfo" not in page.obj
        (image,) = (pikepdf.PdfImage(x) for x in page.get_images().values())  # type: ignore[arg-type]
        picture = image.as_pil_image()
        assert picture.size == (32, 24)
        assert picture.getexif() == {} and "comment" not in picture.info
    # What the reader saw stays: the page's text, and the stamp drawn into the page.
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert PAGE_TEXT in text
    assert mentions(expanded(data), STAMP_TEXT)


def test_what_any_staff_member_downloads_carries_nothing_of_the_reporter(
    cast: Cast, client: Client
) -> None:
    """Through the web form and the real download view, to every staff role that
    sees the files, signed in with both factors."""
    client.force_login(User.objects.get(username="ani"))
    photo = SimpleUploadedFile(f"{NAME}.jpg", photo_with_exif(), "image/jpeg")
    pdf = SimpleUploadedFile(UPLOAD_NAME, planted_pdf(), "application/pdf")
    form = {
        "type": "complaint",
        "category": "infrastruktur.jalan",
        "province": "32",
        "regency": "32.74",
        "district": "32.74.01",
        "title": "Jalan rusak di depan pasar",
        "body": "Lubang besar di Jalan Siliwangi membahayakan pengendara motor.",
        "anonymous": "on",
        "attachments": [photo, pdf],
    }
    assert client.post("/lapor", form).status_code == 302
    report = Report.objects.get()
    assert report.is_anonymous
    services.report_dispose(
        actor=cast.national, report=report, agency_id=cast.kota.pk, unit_id=cast.pupr.pk
    )
    staff = (cast.liaison, cast.agency_admin, cast.supervisor, cast.national)
    for file in report.attachments.order_by("pk"):
        suffix = "pdf" if file.content_type == "application/pdf" else "jpg"
        expected = f"lampiran-{report.tracking_number}-{file.pk}.{suffix}"
        for actor in staff:
            assert actor.user is not None
            response = verified_client(actor.user).get(f"/lampiran/{file.pk}")
            assert response.status_code == 200, actor.role
            body = response.getvalue()
            disposition = response["Content-Disposition"]
            assert f'filename="{expected}"' in disposition
            assert "budi" not in disposition.lower() and "santoso" not in disposition.lower()
            if suffix == "pdf":
                assert _leaks(body) == []
            else:
                assert not mentions(body, "Budi")
                with Image.open(io.BytesIO(body)) as picture:
                    assert picture.getexif() == {}


def test_a_pdf_sent_through_the_api_is_cleaned_too(cast: Cast, client: Client) -> None:
    token, _ = api_token_issue(user=User.objects.get(username="ani"))
    upload = io.BytesIO(planted_pdf())
    upload.name = UPLOAD_NAME
    fields: dict[str, Any] = {
        "type": "complaint",
        "title": "Lampu jalan mati",
        "body": "Lampu di Jalan Kartini mati sejak seminggu.",
        "category": "infrastruktur.jalan",
        "region": "32.74.01",
        "anonymous": "true",
        "files": [upload],
    }
    response = client.post("/api/v1/reports", fields, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.content
    assert "budi" not in response.content.decode().lower()
    stored = Attachment.objects.get()
    assert _leaks(stored.file.read()) == []


def test_an_encrypted_pdf_is_refused_and_nothing_is_written(cast: Cast) -> None:
    with pytest.raises(InvalidInput) as refused:
        _anonymous_report(cast, planted_pdf(password="rahasia"))
    assert refused.value.code == "pdf_encrypted"
    assert "kata sandi" in str(refused.value.message)
    assert str(refused.value.message).startswith(f"{UPLOAD_NAME}: ")  # to the sender only
    assert not Report.objects.exists() and not Attachment.objects.exists()


def test_a_pdf_locked_only_against_editing_is_cleaned_and_unlocked(
    cast: Cast, make_report: Callable[..., Report]
) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo = pdf.make_indirect(Dictionary(Author=NAME))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="pemilik", user=""))
    with pikepdf.open(io.BytesIO(out.getvalue())) as locked:
        assert locked.is_encrypted
    attachment = services.report_attachment_add(
        actor=cast.owner, report=make_report(), data=out.getvalue()
    )
    data = attachment.file.read()
    with pikepdf.open(io.BytesIO(data)) as cleaned:
        assert not cleaned.is_encrypted and len(cleaned.pages) == 1
    assert _leaks(data) == []


def _broken() -> list[bytes]:
    good = planted_pdf()
    return [
        b"%PDF-1.7\n%...\n%%EOF\n",
        b"%PDF-1.4\n" + b"\x00garbage" * 200,
        good[: len(good) // 3],
    ]


@pytest.mark.parametrize("data", _broken(), ids=["empty", "garbage", "truncated"])
def test_a_damaged_pdf_is_refused_never_kept_raw(
    cast: Cast, make_report: Callable[..., Report], data: bytes
) -> None:
    report = make_report()
    with pytest.raises(InvalidInput) as refused:
        services.report_attachment_add(actor=cast.owner, report=report, data=data)
    assert refused.value.code in ("pdf_unreadable", "pdf_not_cleanable")
    assert "PDF ini" in str(refused.value.message)
    assert not Attachment.objects.exists()


def _pages(count: int, *, object_streams: bool = False) -> bytes:
    pdf = pikepdf.new()
    for _ in range(count):
        pdf.add_blank_page()
    out = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    pdf.save(out, object_stream_mode=mode)
    return out.getvalue()


def test_a_pdf_beyond_the_limits_is_refused(
    cast: Cast, make_report: Callable[..., Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = make_report()
    monkeypatch.setattr(attachments, "MAX_PDF_PAGES", 3)
    services.report_attachment_add(actor=cast.owner, report=report, data=_pages(3))
    with pytest.raises(InvalidInput) as refused:
        services.report_attachment_add(actor=cast.owner, report=report, data=_pages(4))
    assert refused.value.code == "pdf_too_large"
    assert "paling banyak 3 halaman" in str(refused.value.message)

    monkeypatch.setattr(attachments, "MAX_PDF_OBJECTS", 5)
    with pytest.raises(InvalidInput) as refused:
        services.report_attachment_add(actor=cast.owner, report=report, data=_pages(3))
    assert refused.value.code == "pdf_too_large"


def test_object_streams_count_against_the_decoding_budget(
    cast: Cast, make_report: Callable[..., Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = make_report()
    compressed = _pages(50, object_streams=True)
    assert b"/ObjStm" in compressed
    services.report_attachment_add(actor=cast.owner, report=report, data=compressed)
    monkeypatch.setattr(attachments, "MAX_PDF_DECODED_BYTES", 1000)
    with pytest.raises(InvalidInput) as refused:
        services.report_attachment_add(actor=cast.owner, report=report, data=compressed)
    assert refused.value.code == "pdf_too_large"


def test_a_decompression_bomb_is_refused(cast: Cast, make_report: Callable[..., Report]) -> None:
    """A JPEG wrapped in Flate is decoded to be cleaned: no stream beyond qpdf's limit."""
    assert pikepdf.settings.get_qpdf_limits()["flate_max_memory"] == (
        attachments.MAX_PDF_STREAM_BYTES
    )
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    bomb = pikepdf.Stream(pdf, zlib.compress(b"\0" * (attachments.MAX_PDF_STREAM_BYTES + 1), 9))
    bomb.Filter = pikepdf.Array([Name.FlateDecode, Name.DCTDecode])
    bomb.Type, bomb.Subtype = Name.XObject, Name.Image
    bomb.Width = bomb.Height = 1
    page.obj.Resources = Dictionary(XObject=Dictionary(Im1=pdf.make_indirect(bomb)))
    out = io.BytesIO()
    pdf.save(out)
    assert len(out.getvalue()) < 100_000
    with pytest.raises(InvalidInput) as refused:
        services.report_attachment_add(actor=cast.owner, report=make_report(), data=out.getvalue())
    assert refused.value.code == "pdf_not_cleanable"


def test_a_stream_it_could_not_bound_is_refused(
    cast: Cast, make_report: Callable[..., Report]
) -> None:
    """LZW has no limit in qpdf: a JPEG wrapped in it is refused, not decoded."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    image = pdf.make_stream(b"\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01", Subtype=Name.Image)
    image.Filter = pikepdf.Array([Name.LZWDecode, Name.DCTDecode])
    page.obj.Resources = Dictionary(XObject=Dictionary(Im1=image))
    out = io.BytesIO()
    pdf.save(out)
    with pytest.raises(InvalidInput) as refused:
        services.report_attachment_add(actor=cast.owner, report=make_report(), data=out.getvalue())
    assert refused.value.code == "pdf_not_cleanable"


def test_a_real_document_keeps_its_words_and_loses_its_author(
    cast: Cast, make_report: Callable[..., Report]
) -> None:
    """A PDF as an office program writes it (WeasyPrint here): embedded fonts, a
    title and author, a link."""
    from weasyprint import HTML

    html = (
        f"<html><head><title>Surat {NAME}</title><meta name=author content='{NAME}'>"
        "</head><body><h1>Surat keberatan</h1><p>Jalan di depan pasar berlubang sejak "
        "bulan lalu.</p><p><a href='https://example.org/budi-santoso'>tautan</a></p>"
        "</body></html>"
    )
    original = HTML(string=html).write_pdf()
    assert original is not None and mentions(expanded(original), NAME)
    attachment = services.report_attachment_add(
        actor=cast.owner, report=make_report(), data=original
    )
    data = attachment.file.read()
    assert _leaks(data) == []
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Surat keberatan" in text and "berlubang" in text


def test_a_jpeg_loses_its_metadata_losslessly() -> None:
    original = photo_with_exif() + b"trailing " + NAME.encode()
    stripped = attachments.jpeg_without_metadata(original)
    assert stripped is not None and not mentions(stripped, "Budi")
    assert stripped.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(stripped)) as after:
        assert before.getexif() != {} and after.getexif() == {}
        assert after.tobytes() == before.tobytes()
    progressive = io.BytesIO()
    with Image.open(io.BytesIO(original)) as picture:
        picture.save(progressive, format="JPEG", progressive=True, exif=picture.info["exif"])
    again = attachments.jpeg_without_metadata(progressive.getvalue())
    assert again is not None and not mentions(again, "Budi")
    with Image.open(io.BytesIO(again)) as after:
        after.load()
    for not_jpeg in (b"", b"GIF89a", b"\xff\xd8\xff\x01\x00", b"\xff\xd8\x00\x00"):
        assert attachments.jpeg_without_metadata(not_jpeg) is None


def test_the_refusal_of_other_types_lists_the_accepted_ones(
    cast: Cast, make_report: Callable[..., Report]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.report_attachment_add(
            actor=cast.owner, report=make_report(), data=b"PK\x03\x04 an office document"
        )
    assert refused.value.code == "unsupported_file"
    assert re.search(r"JPEG, PNG, WebP\) atau PDF", str(refused.value.message))
