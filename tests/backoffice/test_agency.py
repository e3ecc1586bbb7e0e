"""The agency's side: the inbox of an agency admin and of a liaison, the actions on a
report's case page (assign, re-dispose, bounce, follow-up with files, final answer,
internal notes), and who may not see what."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aduan.agencies.models import Agency
from aduan.reports import services
from aduan.reports.models import Action, Attachment, Report, ReportEvent, State
from tests.backoffice.conftest import (
    StaffClient,
    case_post,
    case_url,
    client_of,
    fresh,
    national_client,
)
from tests.reporting.conftest import jpeg_with_exif
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(cast: Cast, staff_client: StaffClient) -> Client:
    return client_of(staff_client, cast.agency_admin)


@pytest.fixture
def liaison(cast: Cast, staff_client: StaffClient) -> Client:
    return client_of(staff_client, cast.liaison)


# -- the inbox -------------------------------------------------------------------------


def test_the_inbox_holds_the_agencys_open_reports(
    cast: Cast,
    admin: Client,
    make_report: MakeReport,
    dispositioned: Callable[..., Report],
) -> None:
    mine = dispositioned(title="Untuk Kota Cirebon")
    closed = dispositioned()
    services.report_intervene(actor=cast.national, report=closed, reason="Selesai di luar")
    theirs = make_report(title="Untuk Kabupaten")
    services.report_dispose(actor=cast.national, report=theirs, agency_id=cast.kabupaten.pk)
    waiting = make_report(title="Belum diverifikasi")
    html = admin.get("/kantor/kotak-masuk").content.decode()
    assert mine.tracking_number in html
    for absent in (closed, theirs, waiting):
        assert absent.tracking_number not in html
    # Filters by state and by unit: the agency's own units are offered.
    assert cast.pupr.name in html and cast.dishub.name in html
    filtered = admin.get(f"/kantor/kotak-masuk?unit={cast.dishub.pk}").content.decode()
    assert mine.tracking_number not in filtered
    response = admin.get(f"/kantor/kotak-masuk?unit={cast.pupr.pk}&status=dispositioned")
    assert mine.tracking_number in response.content.decode()


def test_a_liaisons_inbox_holds_its_units_reports_only(
    cast: Cast, staff_client: StaffClient, liaison: Client, dispositioned: Callable[..., Report]
) -> None:
    pupr = dispositioned()
    dishub = dispositioned()
    services.report_assign(actor=cast.agency_admin, report=dishub, unit_id=cast.dishub.pk)
    html = liaison.get("/kantor/kotak-masuk").content.decode()
    assert pupr.tracking_number in html and dishub.tracking_number not in html
    # A liaison filters by state, not by unit: it has one.
    assert 'name="unit"' not in html
    other = client_of(staff_client, cast.other_liaison).get("/kantor/kotak-masuk").content.decode()
    assert dishub.tracking_number in other and pupr.tracking_number not in other


def test_the_inbox_is_not_the_national_admins_nor_a_supervisors(
    cast: Cast, staff_client: StaffClient
) -> None:
    for actor in (cast.national, cast.supervisor):
        assert client_of(staff_client, actor).get("/kantor/kotak-masuk").status_code == 404
    assert client_of(staff_client, cast.agency_admin).get("/kantor/verifikasi").status_code == 404


# -- the agency admin's actions ----------------------------------------------------------


def test_the_agency_admin_assigns_to_a_unit(
    cast: Cast, admin: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    html = admin.get(case_url(report)).content.decode()
    for action in ("assign", "bounce", "follow_up", "answer", "note"):
        assert f'name="action" value="{action}"' in html
    for action in ("dispose", "archive", "intervene", "reveal", "redispose"):
        assert f'name="action" value="{action}"' not in html  # no sub-agency: no re-dispose
    response = case_post(admin, report, "assign", unit=cast.dishub.pk)
    assert response.status_code == 302
    assert fresh(report).unit == cast.dishub
    assert "Laporan sudah diteruskan ke unit kerja." in admin.get(case_url(report)).content.decode()


def test_another_agencys_unit_is_refused(
    cast: Cast, admin: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    foreign = cast.kabupaten.units.first()
    assert foreign is not None
    response = case_post(admin, report, "assign", unit=foreign.pk)
    assert response.status_code == 400
    assert "Masukkan pilihan yang valid" in response.content.decode()
    assert fresh(report).unit == cast.pupr


def test_the_agency_admin_redisposes_to_a_sub_agency(
    cast: Cast, admin: Client, dispositioned: Callable[..., Report]
) -> None:
    sub = Agency.objects.create(
        code="kecamatan-test",
        name="Kecamatan Kejaksan",
        kind=cast.kota.kind,
        region=cast.kota.region,
        parent=cast.kota,
    )
    report = dispositioned()
    assert (
        f'<option value="{sub.pk}">Kecamatan Kejaksan</option>'
        in admin.get(case_url(report)).content.decode()
    )
    response = case_post(admin, report, "redispose", agency=sub.pk, reason="Wilayah kecamatan")
    assert response.status_code == 302
    report = fresh(report)
    assert report.agency == sub and report.unit is None
    # The parent agency still works on its sub-agency's reports.
    assert admin.get(case_url(report)).status_code == 200


def test_a_bounce_leaves_the_agency_and_reaches_the_bounced_queue(
    cast: Cast, staff_client: StaffClient, admin: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    response = case_post(admin, report, "bounce", reason="")
    assert response.status_code == 400
    assert fresh(report).state == State.DISPOSITIONED
    response = case_post(admin, report, "bounce", reason="Jalan provinsi, bukan kota")
    assert response.status_code == 302
    assert response["Location"] == "/kantor/kotak-masuk"  # the report is no longer theirs
    assert fresh(report).state == State.SUBMITTED
    assert admin.get(case_url(report)).status_code == 404
    html = national_client(cast, staff_client).get("/kantor/dikembalikan").content.decode()
    assert report.tracking_number in html and "Jalan provinsi, bukan kota" in html


# -- follow-ups --------------------------------------------------------------------------


def _photo(name: str = "foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_with_exif(), content_type="image/jpeg")


def test_the_liaison_follows_up_with_files_and_answers(
    cast: Cast, liaison: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    html = liaison.get(case_url(report)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    for action in ("assign", "bounce", "redispose"):
        assert f'name="action" value="{action}"' not in html
    response = liaison.post(
        case_url(report),
        {
            "action": "follow_up",
            "version": report.version,
            "text": "Tim sudah meninjau lokasi.",
            "attachments": [_photo("a.jpg"), _photo("b.jpg")],
        },
    )
    assert response.status_code == 302
    report = fresh(report)
    assert report.state == State.IN_PROGRESS
    event = ReportEvent.objects.get(report=report, action=Action.FOLLOW_UP)
    files = Attachment.objects.filter(event=event)
    assert files.count() == 2
    assert all(b"SecretCam" not in f.file.read() for f in files)  # EXIF stripped
    response = case_post(liaison, report, "answer", text="Jalan sudah ditambal.")
    assert response.status_code == 302
    assert fresh(report).state == State.ANSWERED
    # The reporter reads both on their page, with the documents.
    assert cast.owner.user is not None
    owner = Client()
    owner.force_login(cast.owner.user)
    page = owner.get(f"/laporan/{report.tracking_number}").content.decode()
    assert "Tim sudah meninjau lokasi." in page and "Jalan sudah ditambal." in page
    assert page.count("/lampiran/") >= 2


def test_a_bad_file_writes_nothing(liaison: Client, dispositioned: Callable[..., Report]) -> None:
    report = dispositioned()
    bad = SimpleUploadedFile("surat.pdf", b"not really a pdf", content_type="application/pdf")
    response = liaison.post(
        case_url(report),
        {
            "action": "follow_up",
            "version": report.version,
            "text": "Terlampir surat.",
            "attachments": [_photo(), bad],
        },
    )
    assert response.status_code == 400
    assert "surat.pdf" in response.content.decode()
    assert fresh(report).state == State.DISPOSITIONED
    assert not Attachment.objects.filter(report=report).exists()
    assert not ReportEvent.objects.filter(report=report, action=Action.FOLLOW_UP).exists()


def test_an_internal_note_is_never_the_reporters(
    cast: Cast, liaison: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    response = liaison.post(
        case_url(report), {"action": "note", "text": "Koordinasi dengan Dishub."}
    )
    assert response.status_code == 302
    assert "Koordinasi dengan Dishub." in liaison.get(case_url(report)).content.decode()
    assert cast.owner.user is not None
    owner = Client()
    owner.force_login(cast.owner.user)
    assert (
        "Koordinasi dengan Dishub."
        not in owner.get(f"/laporan/{report.tracking_number}").content.decode()
    )


def test_a_stale_form_is_told_and_applied_once(
    cast: Cast, admin: Client, liaison: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    seen = report.version
    assert case_post(liaison, report, "follow_up", text="Sedang dikerjakan.").status_code == 302
    response = admin.post(
        case_url(report), {"action": "follow_up", "version": seen, "text": "Sedang dikerjakan."}
    )
    assert response.status_code == 409
    assert "statusnya kini: Ditindaklanjuti" in response.content.decode()
    assert ReportEvent.objects.filter(report=report, action=Action.FOLLOW_UP).count() == 1


# -- privacy -----------------------------------------------------------------------------


def test_agency_staff_see_no_contacts_and_no_anonymous_name(
    cast: Cast, admin: Client, dispositioned: Callable[..., Report]
) -> None:
    cast.reporter.name = "Ani Suryani"
    cast.reporter.nik = "3274010101010001"
    cast.reporter.save()
    named = dispositioned()
    anonymous = dispositioned(anonymous=True)
    html = admin.get(case_url(named)).content.decode()
    assert "Ani Suryani" in html and "3274010101010001" not in html
    html = admin.get(case_url(anonymous)).content.decode()
    assert "Ani Suryani" not in html and 'value="reveal"' not in html
    # Nor the reporter's account, which would link their anonymous reports.
    assert cast.owner.user is not None
    assert f"({cast.owner.user.username})" not in html
    response = admin.post(case_url(anonymous), {"action": "reveal"})
    assert response.status_code == 403
    assert "Ani Suryani" not in response.content.decode()


def test_another_agencys_public_report_is_a_404_in_the_back_office(
    cast: Cast, staff_client: StaffClient, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(title="Laporan publik Kota Cirebon")
    assert Client().get(f"/laporan/{report.tracking_number}").status_code == 200  # public
    other = client_of(staff_client, cast.other_agency_admin)
    response = other.get(case_url(report))
    assert response.status_code == 404
    assert "Laporan publik Kota Cirebon" not in response.content.decode()
    assert case_post(other, report, "bounce", reason="x").status_code == 404
    assert fresh(report).state == State.DISPOSITIONED
    assert report.tracking_number not in other.get("/kantor/kotak-masuk").content.decode()


def test_a_confidential_report_is_seen_only_by_its_agency(
    cast: Cast, staff_client: StaffClient, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned(confidential=True, title="Pungli di kantor kelurahan")
    assert client_of(staff_client, cast.agency_admin).get(case_url(report)).status_code == 200
    for actor in (cast.other_agency_admin, cast.other_liaison, cast.supervisor):
        client = client_of(staff_client, actor)
        assert client.get(case_url(report)).status_code == 404
        for path in ("/kantor/kotak-masuk", "/kantor/terlambat", "/kantor/eskalasi"):
            response = client.get(path)
            assert "Pungli di kantor kelurahan" not in response.content.decode()


@pytest.mark.parametrize("follow_ups", [1, 12])
def test_the_case_page_runs_a_fixed_number_of_queries(
    cast: Cast,
    admin: Client,
    dispositioned: Callable[..., Report],
    django_assert_max_num_queries: Any,
    follow_ups: int,
) -> None:
    report = dispositioned()
    for n in range(follow_ups):
        event = services.report_follow_up(actor=cast.liaison, report=report, text=f"Langkah {n}")
        services.report_attachment_add(
            actor=cast.liaison, report=report, data=jpeg_with_exif(), event=event
        )
        services.report_note(actor=cast.agency_admin, report=report, text=f"Rapat ke-{n}")
    admin.get(case_url(report))  # reference data memoised, as in a running server
    # Eleven reads, the access log's one INSERT, and the answer drafts' two (every
    # word's count in one statement, then the match), however long the text.
    with django_assert_max_num_queries(14):
        html = admin.get(case_url(report)).content.decode()
    assert html.count("Rapat ke-") == html.count("Langkah ") == follow_ups
