"""Following any report by its number (issue 19, Build 1): the status view, the
per-report link the receipts carry, and the status-only answers of the API and
Open311 — for each kind of report and each kind of visitor, exactly what is
allowed, and nothing of the reporter's contacts."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aduan.accounts.models import User
from aduan.accounts.tokens import api_token_issue
from aduan.channels.sms.segments import sms_size
from aduan.outbox.models import Message
from aduan.reporters.models import ChannelIdentity
from aduan.reporters.services import identity_hash, reporter_for_identity
from aduan.reports import services
from aduan.reports.models import Attachment, Channel, Report, ReportEvent, State
from aduan.reports.policy import Actor, report_link_key
from aduan.reports.tracking import check_digit, tracking_number_display
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db

NAME = "Siti Rahmawati Kusumadewi"
PHONE = "+6281234509876"
KINDS = ("public", "anonymous", "confidential", "unverified", "archived")
VIEWERS = ("public", "other_citizen", "reporter", "link")
AGENCY = "Pemerintah Kota Cirebon"
FOLLOW_UP = "Tim sudah meninjau lokasi."


@pytest.fixture
def reachable(cast: Cast) -> Cast:
    """Ani, the reporter, with a name and a phone number: never for anyone else."""
    cast.reporter.name = NAME
    cast.reporter.save()
    ChannelIdentity.objects.create(
        reporter=cast.reporter,
        kind="phone",
        value=PHONE,
        value_hash=identity_hash(kind="phone", value=PHONE),
    )
    return cast


@pytest.fixture
def report_of(
    reachable: Cast, make_report: MakeReport, photo: Callable[..., SimpleUploadedFile]
) -> Callable[[str], tuple[Report, Attachment]]:
    """A report of each kind, with a photo; verified ones with a follow-up."""
    cast = reachable

    def make(kind: str) -> tuple[Report, Attachment]:
        report = make_report(
            anonymous=kind == "anonymous",
            confidential=kind == "confidential",
            body="Lubang besar di Jalan Siliwangi, dekat rumah saya.",
        )
        file = services.report_attachment_add(actor=cast.owner, report=report, data=photo().read())
        if kind == "archived":
            services.report_archive(actor=cast.national, report=report, reason="spam")
        elif kind != "unverified":
            services.report_dispose(
                actor=cast.national, report=report, agency_id=cast.kota.pk, unit_id=cast.pupr.pk
            )
            report = Report.objects.get(pk=report.pk)
            services.report_follow_up(actor=cast.liaison, report=report, text=FOLLOW_UP)
        return Report.objects.select_related("agency").get(pk=report.pk), file

    return make


def _visitor(viewer: str) -> Client:
    client = Client()
    if viewer in ("other_citizen", "reporter"):
        username = "budi" if viewer == "other_citizen" else "ani"
        client.force_login(User.objects.get(username=username))
    return client


def _page(report: Report, viewer: str) -> str:
    url = f"/laporan/{report.tracking_number}"
    return f"{url}?k={report_link_key(report)}" if viewer == "link" else url


def _reads(kind: str, viewer: str) -> bool:
    return kind in ("public", "anonymous") or viewer in ("reporter", "link")


# -- the status view -------------------------------------------------------------------


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_status_view_shows_each_visitor_what_is_allowed(
    report_of: Callable[[str], tuple[Report, Attachment]], kind: str, viewer: str
) -> None:
    report, file = report_of(kind)
    response = _visitor(viewer).get(_page(report, viewer))
    html = response.content.decode()
    assert response.status_code == 200
    # The status, for anyone holding the number.
    assert tracking_number_display(report.tracking_number) in html
    assert str(State(report.state).label) in html
    assert report.get_type_display() in html and report.get_channel_display() in html
    assert "Diterima" in html
    assert "Berikutnya" in html or "Tidak ada langkah berikutnya" in html
    if report.deadline_at is not None:
        assert "Batas waktu" in html and "hari kerja" in html
    # The content, only for whom the policy lets read it.
    reads = _reads(kind, viewer)
    assert (report.title in html) == reads
    assert ("Lubang besar di Jalan Siliwangi" in html) == reads
    assert (FOLLOW_UP in html) == (reads and report.agency_id is not None)
    files_shown = reads and (kind != "anonymous" or viewer in ("reporter", "link"))
    assert (f"/lampiran/{file.pk}" in html) == files_shown
    agency_shown = report.agency_id is not None and (kind != "confidential" or reads)
    assert (AGENCY in html) == agency_shown
    if not reads:
        assert "isinya" in html  # it says why nothing more is shown
        assert '<meta name="robots" content="noindex">' in html
    # Never the reporter's contacts; their name only to themselves (if at all).
    assert PHONE not in html and "81234509876" not in html
    if viewer != "reporter":
        assert "Rahmawati" not in html
    # The reporter's actions only to the signed-in reporter.
    acts = viewer == "reporter" and kind != "archived"
    assert ('value="reply"' in html) == acts


def test_the_dates_so_far_are_listed(reachable: Cast, dispositioned: Callable[..., Report]) -> None:
    report = dispositioned(confidential=True)
    services.report_follow_up(actor=reachable.liaison, report=report, text="Sedang disurvei.")
    services.report_answer(actor=reachable.liaison, report=report, text="Sudah ditambal.")
    html = Client().get(f"/laporan/{report.tracking_number}").content.decode()
    for label in (
        "Diterima",
        "Diverifikasi dan diteruskan ke instansi",
        "Tindak lanjut pertama",
        "Dijawab instansi",
    ):
        assert label in html
    assert "Sudah ditambal." not in html and AGENCY not in html
    assert "pelapor menyatakan puas" in html  # what happens next


def test_unknown_and_mistyped_numbers_answer_as_before(
    client: Client, make_report: MakeReport
) -> None:
    report = make_report()
    typo = report.tracking_number[:2] + str((int(report.tracking_number[2]) + 1) % 10)
    typo += report.tracking_number[3:]
    unknown = f"123456789{check_digit('123456789')}"
    for path in (f"/laporan/{unknown}", f"/lacak?nomor={unknown}"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Laporan tidak ditemukan." in response.content.decode()
    for path in (f"/laporan/{typo}", f"/lacak?nomor={typo}"):
        assert "tidak valid" in client.get(path).content.decode()


def test_the_tracking_form_leads_to_any_existing_number(
    client: Client, make_report: MakeReport
) -> None:
    report = make_report(confidential=True)
    spaced = tracking_number_display(report.tracking_number)
    response = client.get("/lacak", {"nomor": spaced})
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{report.tracking_number}"


# -- the per-report link ---------------------------------------------------------------


def test_a_wrong_key_or_another_reports_key_shows_nothing_more(
    report_of: Callable[[str], tuple[Report, Attachment]],
) -> None:
    report, file = report_of("confidential")
    other, other_file = report_of("confidential")
    client = Client()
    for key in ("0" * 16, report_link_key(other), report_link_key(report)[:-1], "x" * 64):
        html = client.get(f"/laporan/{report.tracking_number}", {"k": key}).content.decode()
        assert report.title not in html and AGENCY not in html
        assert client.get(f"/lampiran/{file.pk}", {"k": key}).status_code == 404
    # The right key opens its own report's file, not another's.
    right = {"k": report_link_key(report)}
    assert client.get(f"/lampiran/{file.pk}", right).status_code == 200
    assert client.get(f"/lampiran/{other_file.pk}", right).status_code == 404


def test_the_link_reads_as_the_reporter_but_does_not_act(
    reachable: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(confidential=True)
    services.report_reply(actor=reachable.owner, report=report, text="Rumah saya no. 12.")
    client = Client()
    url = _page(report, "link")
    response = client.get(url)
    html = response.content.decode()
    # What the reporter wrote is theirs to read again; the actions need an account.
    assert "Rumah saya no. 12." in html and "tautan pribadi" in html
    assert 'value="reply"' not in html and "Tindakan Anda sebagai pelapor" not in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex">' in html
    assert "no-store" in response["Cache-Control"]
    posted = client.post(url, {"action": "reply", "text": "Dari tautan."})
    assert posted.status_code == 403
    assert not ReportEvent.objects.filter(report=report, body="Dari tautan.").exists()
    # A mistyped spacing keeps the key on the way to the report's own address.
    spaced = tracking_number_display(report.tracking_number).replace(" ", "-")
    moved = client.get(f"/laporan/{spaced}", {"k": report_link_key(report)})
    assert moved.status_code == 302 and moved["Location"] == url


def test_the_link_key_is_per_report_and_short() -> None:
    first, second = Report(pk=1), Report(pk=2)
    assert report_link_key(first) != report_link_key(second)
    assert re.fullmatch(r"[0-9a-f]{16}", report_link_key(first))
    assert report_link_key(first) == report_link_key(Report(pk=1))


# -- the receipts carry it ---------------------------------------------------------------


def _link_in(text: str) -> str:
    match = re.search(r"https?://\S+?/laporan/(\d{10})\?k=([0-9a-f]{16})", text)
    assert match is not None, text
    return f"/laporan/{match.group(1)}?k={match.group(2)}"


def test_the_sms_receipt_carries_the_link_in_one_sms(cast: Cast, settings: Any) -> None:
    settings.SITE_URL = "https://lapor.pemerintah.example.id"  # 35 characters
    reporter = reporter_for_identity(kind="phone", value="0812-3456-789")
    report = services.report_create(
        actor=Actor.for_reporter(reporter.pk),
        reporter=reporter,
        type="complaint",
        title="Jalan rusak",
        body="Jalan rusak di depan pasar, dekat rumah saya.",
        channel=Channel.SMS,
        confidential=True,
    )
    receipt = Message.objects.get(report=report, purpose="receipt")
    assert receipt.channel == "sms"
    size = sms_size(receipt.body)
    assert (size.encoding, size.parts) == ("gsm7", 1), receipt.body
    assert f"CEK {tracking_number_display(report.tracking_number)}" in receipt.body
    html = Client().get(_link_in(receipt.body)).content.decode()
    assert "Jalan rusak di depan pasar" in html
    # The number in any form (not "0812" alone: a time stamp's microseconds may hold it).
    for trace in ("3456789", "3456-789", "0812-3456"):
        assert trace not in html


def test_the_mail_receipt_carries_the_link(reachable: Cast, make_report: MakeReport) -> None:
    User.objects.filter(username="ani").update(email="ani@example.id")
    reachable.reporter.user.email = "ani@example.id"  # type: ignore[union-attr]
    reachable.reporter.identities.all().delete()
    report = make_report(confidential=True)
    receipt = Message.objects.get(report=report, purpose="receipt")
    assert receipt.channel == "email"
    html = Client().get(_link_in(receipt.body)).content.decode()
    assert report.title in html and "ani@example.id" not in html


def test_other_notices_carry_no_key(reachable: Cast, dispositioned: Callable[..., Report]) -> None:
    """Only the receipt: a status answer (CEK) may go to whoever asks by number."""
    report = dispositioned()
    for message in Message.objects.filter(report=report).exclude(purpose="receipt"):
        assert "?k=" not in message.body


# -- apps: the API and Open311 -----------------------------------------------------------

_STATUS_KEYS = {
    "view",
    "tracking_number",
    "type",
    "channel",
    "state",
    "state_label",
    "service_code",
    "confidential",
    "submitted_at",
    "dispositioned_at",
    "first_follow_up_at",
    "answered_at",
    "closed_at",
    "deadline_at",
}


@pytest.mark.parametrize("viewer", ["public", "other_citizen", "reporter"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_api_answers_a_status_for_a_report_that_is_not_public(
    report_of: Callable[[str], tuple[Report, Attachment]], kind: str, viewer: str
) -> None:
    report, _file = report_of(kind)
    headers = {}
    if viewer != "public":
        user = User.objects.get(username="ani" if viewer == "reporter" else "budi")
        token, _row = api_token_issue(user=user)
        headers = {"Authorization": f"Bearer {token}"}
    response = Client(headers=headers).get(f"/api/v1/reports/{report.tracking_number}")
    assert response.status_code == 200
    body = response.json()
    text = response.content.decode()
    if viewer != "reporter":
        assert PHONE not in text and "Rahmawati" not in text
    if _reads(kind, viewer):
        assert body["view"] == "full" and body["title"] == report.title
        return
    assert body["view"] == "status" and set(body) == _STATUS_KEYS
    assert body["tracking_number"] == report.tracking_number and body["state"] == report.state
    assert report.title not in text and "Lubang" not in text and "32.74" not in text
    assert body["service_code"] == (None if kind == "confidential" else "infrastruktur.jalan")
    assert body["submitted_at"] is not None


def test_the_api_answers_unknown_and_mistyped_numbers_as_before(client: Client) -> None:
    unknown = client.get(f"/api/v1/reports/123456789{check_digit('123456789')}")
    assert unknown.status_code == 404 and unknown.json()["code"] == "report_not_found"
    assert client.get("/api/v1/reports/1234567890").status_code in (400, 404, 422)


@pytest.mark.parametrize("kind", KINDS)
def test_open311_answers_a_status_for_a_request_that_is_not_public(
    report_of: Callable[[str], tuple[Report, Attachment]], kind: str
) -> None:
    report, _file = report_of(kind)
    response = Client().get(f"/open311/v2/requests/{report.tracking_number}.json")
    assert response.status_code == 200
    (item,) = response.json()
    text = response.content.decode()
    assert item["service_request_id"] == report.tracking_number
    assert PHONE not in text and "Rahmawati" not in text
    if kind in ("public", "anonymous"):
        assert item["description"] == report.body
        return
    assert item["status"] == ("closed" if kind == "archived" else "open")
    assert item["description"] is None and item["address"] is None
    assert (item["lat"], item["long"], item["media_url"]) == (None, None, None)
    assert report.title not in text and "Lubang" not in text
    assert item["service_code"] == (None if kind == "confidential" else "infrastruktur.jalan")
    assert item["agency_responsible"] is None  # confidential: hidden; others: none yet
    xml = Client().get(f"/open311/v2/requests/{report.tracking_number}.xml")
    assert xml.status_code == 200 and b"Lubang" not in xml.content


def test_open311_answers_unknown_ids_as_before(client: Client) -> None:
    for number in (f"123456789{check_digit('123456789')}", "1234567890", "abc"):
        response = client.get(f"/open311/v2/requests/{number}.json")
        assert response.status_code == 404 and response.json()[0]["code"] == 404


# -- lookups are rate-limited ------------------------------------------------------------


def test_lookups_are_rate_limited_on_every_surface(
    settings: Any, make_report: MakeReport, dispositioned: Callable[..., Report]
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "lookup": "3/h"}
    public, hidden = dispositioned(), make_report()
    unknown = f"123456789{check_digit('123456789')}"
    for paths in (
        [f"/laporan/{hidden.tracking_number}", f"/laporan/{unknown}", f"/lacak?nomor={unknown}"],
        [f"/api/v1/reports/{hidden.tracking_number}", f"/api/v1/reports/{unknown}"],
        [f"/open311/v2/requests/{hidden.tracking_number}.json"],
    ):
        client = Client()
        codes = [client.get(paths[i % len(paths)]).status_code for i in range(4)]
        assert codes[-1] == 429 and 429 not in codes[:3], (paths, codes)
        # A public report is read as before, however often (it is no guess).
        assert client.get(f"/laporan/{public.tracking_number}").status_code == 200
        assert client.get(f"/api/v1/reports/{public.tracking_number}").status_code == 200
        caches["default"].clear()
