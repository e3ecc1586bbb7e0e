"""What a page of service requests costs, and the status note read in its query."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aduan.agencies.models import Agency
from aduan.reporters.models import Reporter
from aduan.reports import policy, services
from aduan.reports.models import Action, Report, ReportEvent
from aduan.reports.policy import PUBLIC, Actor
from tests.open311.conftest import Fetch
from tests.reports.conftest import Cast

MakeReport = Callable[..., Report]


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_a_page_is_one_query_whatever_its_size_and_depth(
    cast: Cast, public_report: MakeReport
) -> None:
    now = timezone.now()
    for hours in range(1, 8):
        report = public_report(now=now - timedelta(hours=hours))
        services.report_follow_up(actor=cast.liaison, report=report, text=f"Tindak {hours}.")
    client = Client()
    pages = [
        "page_size=1",
        "page_size=3&page=2",
        "page_size=7",
        "page_size=200",
        "page_size=100&page=9",  # past the end
        "service_code=infrastruktur.jalan&status=open&page_size=5",
    ]
    for query in pages:  # reads the reference data it keeps
        client.get(f"/open311/v2/requests.json?{query}")
    for fmt in ("json", "xml"):
        counts = {query: _queries(client, f"/open311/v2/requests.{fmt}?{query}") for query in pages}
        assert counts == dict.fromkeys(pages, 1), fmt
        # The timeline of the whole page: one query more.
        extended = _queries(client, f"/open311/v2/requests.{fmt}?page_size=200&extensions=true")
        assert extended == 2
    numbers = ",".join(Report.objects.values_list("tracking_number", flat=True))
    assert _queries(client, f"/open311/v2/requests.json?service_request_id={numbers}") == 1


def test_an_agency_made_after_the_names_were_read_is_named(
    fetch: Fetch, cast: Cast, public_report: MakeReport
) -> None:
    report = public_report()
    assert fetch("/open311/v2/requests.{fmt}").data[0]["agency_responsible"] == cast.kota.name
    agency = Agency.objects.create(code="dinas-baru", name="Dinas Baru", kind="city")
    Report.objects.filter(pk=report.pk).update(agency=agency)
    (item,) = fetch("/open311/v2/requests.{fmt}").data
    assert item["agency_responsible"] == "Dinas Baru"


def test_the_status_note_is_the_latest_public_follow_up_never_a_note_or_the_reporters(
    fetch: Fetch, cast: Cast, citizen: Reporter, public_report: MakeReport
) -> None:
    start = timezone.now() - timedelta(hours=2)
    report = public_report(now=start)
    owner = Actor.for_reporter(citizen.pk)

    def at(minutes: int) -> datetime:
        return start + timedelta(minutes=minutes)

    def status_note() -> object:
        (item,) = fetch("/open311/v2/requests.{fmt}").data
        (extended,) = fetch("/open311/v2/requests.{fmt}", extensions="true").data
        # The query's note is the one the access policy gives event by event.
        texts = [note["description"] for note in extended["notes"] if note["description"]]
        assert item["status_notes"] == (texts[-1] if texts else None)
        assert extended["status_notes"] == item["status_notes"]
        return item["status_notes"]

    assert status_note() is None
    services.report_follow_up(actor=cast.liaison, text="Sudah disurvei.", report=report, now=at(1))
    services.report_follow_up(actor=cast.liaison, text="Sedang ditambal.", report=report, now=at(2))
    assert status_note() == "Sedang ditambal."
    services.report_note(
        actor=cast.liaison, text="Internal: kontraktor lambat.", report=report, now=at(3)
    )
    services.report_reply(
        actor=owner, text="Pelapor: di depan rumah saya.", report=report, now=at(4)
    )
    assert status_note() == "Sedang ditambal."
    services.report_answer(
        actor=cast.liaison, text="Sudah selesai ditambal.", report=report, now=at(5)
    )
    services.report_note(
        actor=cast.liaison, text="Internal: tagihan belum dibayar.", report=report, now=at(6)
    )
    services.report_reply(actor=owner, text="Pelapor: terima kasih.", report=report, now=at(7))
    assert status_note() == "Sudah selesai ditambal."
    answer = fetch("/open311/v2/requests.{fmt}", extensions="true")
    for secret in (b"Internal:", b"Pelapor:"):
        assert secret not in answer.body


def test_the_public_reads_the_texts_of_exactly_the_public_text_actions(
    public_report: MakeReport,
) -> None:
    # The status note is read in the query by PUBLIC_TEXT_ACTIONS; the policy's
    # answers event by event must be the same.
    report = public_report()
    for action in Action:
        event = ReportEvent(report=report, action=action, body="Teks.", reason="Alasan.")
        expected = "Teks." if action in policy.PUBLIC_TEXT_ACTIONS else ""
        assert policy.event_text(PUBLIC, report, event) == expected, action
        assert policy.event_reason(PUBLIC, report, event) == "", action
