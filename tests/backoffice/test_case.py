"""A report's case page for the national admin: what it shows, the actions on it,
stale forms, the anonymous reporter's identity, and who may not open it."""

from collections.abc import Callable

import pytest
from django.test import Client

from aduan.backoffice.services import recovery_codes_generate
from aduan.reports import services
from aduan.reports.models import Action, Report, ReportEvent, State
from aduan.routing.selectors import routing_suggest
from tests.backoffice.conftest import StaffClient, case_post, case_url, fresh
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(cast: Cast, staff_client: StaffClient) -> Client:
    assert cast.national.user is not None
    return staff_client(cast.national.user)


def test_it_shows_the_report_the_suggestion_and_the_timeline(
    cast: Cast, national: Client, make_report: MakeReport
) -> None:
    cast.reporter.name = "Ani Suryani"
    cast.reporter.save()
    report = make_report(title="Jalan <b>rusak</b>", agency_hint=cast.kabupaten.pk)
    suggestion = routing_suggest(
        category_id=report.category_id, region_code=report.region_id, report_type=report.type
    )
    assert suggestion is not None
    response = national.get(case_url(report))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Jalan &lt;b&gt;rusak&lt;/b&gt;" in html
    assert suggestion.agency.name in html
    if suggestion.unit is not None:
        assert suggestion.unit.name in html
    assert cast.kabupaten.name in html  # the citizen's hint
    assert "Ani Suryani" in html  # not anonymous: the national admin sees contacts
    assert "Laporan diterima" in html
    for action in ("dispose", "request_info", "archive", "merge", "intervene", "note"):
        assert f'name="action" value="{action}"' in html


def test_possible_duplicates_are_listed(
    cast: Cast, national: Client, make_report: MakeReport, dispositioned: Callable[..., Report]
) -> None:
    report = make_report()
    # The same case told the same way (aduan/triage/duplicates.py scores it).
    twin = dispositioned(title=report.title, body=report.body)
    archived = make_report(title="Sudah diarsip")
    services.report_archive(actor=cast.national, report=archived, reason="spam")
    elsewhere = make_report(location=services.Location(region="32.09"))
    html = national.get(case_url(report)).content.decode()
    assert twin.tracking_number in html
    assert archived.tracking_number not in html and elsewhere.tracking_number not in html


def test_dispose_accepts_the_suggestion(national: Client, make_report: MakeReport) -> None:
    report = make_report()
    suggestion = routing_suggest(
        category_id=report.category_id, region_code=report.region_id, report_type=report.type
    )
    assert suggestion is not None
    unit = suggestion.unit.pk if suggestion.unit else None
    response = case_post(national, report, "dispose", agency=suggestion.agency.pk, unit=unit)
    assert response.status_code == 302 and response["Location"] == case_url(report)
    report = fresh(report)
    assert report.state == State.DISPOSITIONED and report.agency_id == suggestion.agency.pk
    page = national.get(case_url(report)).content.decode()
    assert "sudah diverifikasi dan didisposisikan" in page


def test_dispose_to_another_agency_and_unit(
    cast: Cast, national: Client, make_report: MakeReport
) -> None:
    report = make_report()
    page = national.get(f"{case_url(report)}?instansi={cast.kota.pk}").content.decode()
    assert cast.dishub.name in page
    response = case_post(national, report, "dispose", agency=cast.kota.pk, unit=cast.dishub.pk)
    assert response.status_code == 302
    report = fresh(report)
    assert (report.agency_id, report.unit_id) == (cast.kota.pk, cast.dishub.pk)


def test_dispose_refuses_a_unit_of_another_agency(
    cast: Cast, national: Client, make_report: MakeReport
) -> None:
    report = make_report()
    response = case_post(national, report, "dispose", agency=cast.kabupaten.pk, unit=cast.pupr.pk)
    assert response.status_code == 400
    response = case_post(national, report, "dispose", agency="")
    assert response.status_code == 400
    assert fresh(report).state == State.SUBMITTED


def test_request_info(national: Client, make_report: MakeReport) -> None:
    report = make_report()
    assert case_post(national, report, "request_info", reason="").status_code == 400
    response = case_post(national, report, "request_info", reason="Mohon foto lokasinya.")
    assert response.status_code == 302
    assert fresh(report).state == State.NEEDS_INFO


def test_archive_with_a_reason(national: Client, make_report: MakeReport) -> None:
    report = make_report()
    assert case_post(national, report, "archive", reason="bogus").status_code == 400
    assert case_post(national, report, "archive", reason="spam", note="").status_code == 302
    report = fresh(report)
    assert report.state == State.ARCHIVED and report.archive_reason == "spam"


def test_merge_into_another_report(national: Client, make_report: MakeReport) -> None:
    original, duplicate = make_report(), make_report()
    response = case_post(national, duplicate, "merge", original="1234567890")
    assert response.status_code == 400
    assert "tidak valid" in response.content.decode()
    response = case_post(national, duplicate, "merge", original=duplicate.tracking_number)
    assert response.status_code == 400
    assert "Laporan asli tidak ditemukan" in response.content.decode()
    response = case_post(national, duplicate, "merge", original=original.tracking_number)
    assert response.status_code == 302
    duplicate = fresh(duplicate)
    assert duplicate.state == State.ARCHIVED and duplicate.duplicate_of_id == original.pk
    assert original.tracking_number in national.get(case_url(duplicate)).content.decode()


def test_intervene_closes_with_a_reason(
    national: Client, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    html = national.get(case_url(report)).content.decode()
    assert 'value="intervene"' in html and 'value="dispose"' not in html
    assert case_post(national, report, "intervene", reason="").status_code == 400
    assert case_post(national, report, "intervene", reason="Sudah selesai.").status_code == 302
    assert fresh(report).state == State.CLOSED


def test_an_internal_note(national: Client, make_report: MakeReport) -> None:
    report = make_report()
    assert national.post(case_url(report), {"action": "note", "text": ""}).status_code == 400
    response = national.post(case_url(report), {"action": "note", "text": "Cek <dulu> ke dinas."})
    assert response.status_code == 302
    note = ReportEvent.objects.get(report=report, action=Action.NOTE)
    assert note.is_internal
    assert "Cek &lt;dulu&gt; ke dinas." in national.get(case_url(report)).content.decode()


def test_a_stale_form_is_told_and_nothing_is_applied_twice(
    cast: Cast, national: Client, make_report: MakeReport
) -> None:
    report = make_report()
    seen = report.version
    services.report_request_info(actor=cast.national, report=fresh(report), reason="Foto?")
    response = national.post(
        case_url(report), {"action": "dispose", "version": seen, "agency": cast.kota.pk}
    )
    assert response.status_code == 409
    assert "Menunggu Kelengkapan" in response.content.decode()
    assert fresh(report).state == State.NEEDS_INFO

    other = make_report()
    form = {"action": "intervene", "version": other.version, "reason": "Tutup"}
    assert national.post(case_url(other), form).status_code == 302
    again = national.post(case_url(other), form)
    assert again.status_code == 409 and "Selesai" in again.content.decode()
    assert ReportEvent.objects.filter(report=other, action=Action.INTERVENE).count() == 1


def test_an_unknown_action_is_refused(national: Client, make_report: MakeReport) -> None:
    report = make_report()
    assert national.post(case_url(report), {"action": "bounce"}).status_code == 400


def test_an_anonymous_reporter_is_hidden_until_revealed(
    cast: Cast, national: Client, make_report: MakeReport
) -> None:
    cast.reporter.name = "Ani Suryani"
    cast.reporter.save()
    report = make_report(anonymous=True)
    html = national.get(case_url(report)).content.decode()
    assert "Ani Suryani" not in html and "Buka identitas pelapor" in html
    # Each opening asks for a code again (tests/backoffice/test_reveal_code.py).
    assert cast.national.user is not None
    codes = recovery_codes_generate(user=cast.national.user)
    for times in (1, 2):
        response = national.post(case_url(report), {"action": "reveal", "code": codes[times]})
        assert response.status_code == 200
        assert "Ani Suryani" in response.content.decode()
        opened = ReportEvent.objects.filter(report=report, action=Action.IDENTITY_VIEWED)
        assert opened.count() == times
    assert "Ani Suryani" not in national.get(case_url(report)).content.decode()


@pytest.mark.parametrize(
    "role", ["other_agency_admin", "other_liaison", "other_supervisor", "liaison"]
)
def test_staff_of_other_agencies_and_units_get_a_404(
    cast: Cast,
    staff_client: StaffClient,
    dispositioned: Callable[..., Report],
    role: str,
) -> None:
    report = dispositioned(anonymous=True)
    if role == "liaison":  # of Dinas PUPR: the report goes to another unit
        services.report_assign(actor=cast.agency_admin, report=report, unit_id=cast.dishub.pk)
    user = getattr(cast, role).user
    client = staff_client(user)
    assert client.get(case_url(report)).status_code == 404
    assert client.post(case_url(report), {"action": "reveal"}).status_code == 404
    form = {"action": "intervene", "version": report.version, "reason": "x"}
    assert client.post(case_url(report), form).status_code == 404
    assert fresh(report).state == State.DISPOSITIONED
    assert not ReportEvent.objects.filter(report=report, action=Action.IDENTITY_VIEWED).exists()


def test_citizens_and_strangers_are_sent_to_sign_in(
    cast: Cast, staff_client: StaffClient, make_report: MakeReport
) -> None:
    report = make_report()
    assert cast.owner.user is not None
    assert staff_client(cast.owner.user).get(case_url(report)).status_code == 302
    assert Client().get(case_url(report)).status_code == 302


def test_unknown_or_mistyped_numbers_are_404(national: Client, make_report: MakeReport) -> None:
    report = make_report()
    assert national.get("/kantor/laporan/1234567890").status_code == 404
    assert national.get("/kantor/laporan/bukan-nomor").status_code == 404
    spaced = f"/kantor/laporan/{report.tracking_number[:4]}-{report.tracking_number[4:]}"
    assert national.get(spaced)["Location"] == case_url(report)


def test_the_messages_a_report_caused_are_listed_without_recipient_or_text(
    cast: Cast, staff_client: StaffClient, dispositioned: Callable[..., Report]
) -> None:
    from tests.backoffice.conftest import client_of

    cast.reporter.user.email = "ani@example.id"  # type: ignore[union-attr]
    report = dispositioned()
    services.report_follow_up(actor=cast.liaison, report=report, text="Tim meninjau lokasi.")
    html = client_of(staff_client, cast.agency_admin).get(case_url(report)).content.decode()
    assert "Pesan keluar" in html
    assert "Pemberitahuan disposisi" in html and "Menunggu" in html
    assert "ani@example.id" not in html
    assert "Surel" in html  # how the reporter hears: the report is not anonymous

    anonymous = dispositioned(anonymous=True)
    html = client_of(staff_client, cast.agency_admin).get(case_url(anonymous)).content.decode()
    assert "Pemberitahuan disposisi" in html and "Surel" not in html
    national = client_of(staff_client, cast.national).get(case_url(anonymous)).content.decode()
    assert "Surel" in national
