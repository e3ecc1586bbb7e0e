import re
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from aduan.open311.selectors import request_token
from aduan.reporters.models import Reporter
from aduan.reports import services
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from tests.open311.conftest import PERSONAL, Fetch
from tests.reports.conftest import Cast

MakeReport = Callable[..., Report]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


def _ids(data: list[dict[str, object]]) -> set[object]:
    return {item["service_request_id"] for item in data}


def test_it_lists_public_reports_in_the_specifications_shape(
    fetch: Fetch, public_report: MakeReport
) -> None:
    report = public_report(
        location=services.Location(
            region="32.74.01", latitude=-6.7063, longitude=108.557, address="Jl. Siliwangi 12"
        )
    )
    answer = fetch("/open311/v2/requests.{fmt}")
    assert answer.status == 200
    (item,) = answer.data
    assert list(item) == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]
    assert item["service_request_id"] == report.tracking_number
    assert item["status"] == "open"
    assert item["service_code"] == "infrastruktur.jalan"
    assert report.category is not None and report.agency is not None
    assert item["service_name"] == report.category.name
    assert item["description"] == report.body
    assert item["agency_responsible"] == report.agency.name
    assert item["address"].startswith("Jl. Siliwangi 12, ")
    assert (item["lat"], item["long"]) == (-6.7063, 108.557)
    assert item["zipcode"] is None and item["media_url"] is None
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert ISO.match(item[name]), item[name]


def test_confidential_and_unverified_reports_never_appear(
    fetch: Fetch, cast: Cast, citizen: Reporter, public_report: MakeReport, make_report: MakeReport
) -> None:
    shown = public_report()
    secret = public_report(confidential=True)
    unverified = make_report(actor=Actor.for_reporter(citizen.pk), reporter=citizen)
    hidden = [secret, unverified]

    listed = fetch("/open311/v2/requests.{fmt}")
    assert _ids(listed.data) == {shown.tracking_number}
    numbers = ",".join(report.tracking_number for report in [shown, *hidden])
    by_ids = fetch("/open311/v2/requests.{fmt}", service_request_id=numbers)
    assert _ids(by_ids.data) == {shown.tracking_number}
    for report in hidden:
        # By its id, a status only (tests/open311/test_follow.py): never its content.
        one = fetch(f"/open311/v2/requests/{report.tracking_number}.{{fmt}}")
        assert one.status == 200 and report.body.encode() not in one.body
        token = fetch(f"/open311/v2/tokens/{request_token(report)}.{{fmt}}")
        assert token.status == 404


def test_one_request_is_a_list_of_one(fetch: Fetch, public_report: MakeReport) -> None:
    report = public_report()
    answer = fetch(f"/open311/v2/requests/{report.tracking_number}.{{fmt}}")
    assert answer.status == 200
    assert _ids(answer.data) == {report.tracking_number}
    assert len(answer.data) == 1


def test_a_token_answers_the_service_request_id(fetch: Fetch, public_report: MakeReport) -> None:
    report = public_report()
    token = request_token(report)
    answer = fetch(f"/open311/v2/tokens/{token}.{{fmt}}")
    assert answer.status == 200
    assert answer.data == [{"service_request_id": report.tracking_number, "token": token}]
    assert fetch("/open311/v2/tokens/forged.{fmt}").status == 404


def test_no_personal_data_in_any_answer(
    fetch: Fetch, cast: Cast, public_report: MakeReport
) -> None:
    plain = public_report()
    anonymous = public_report(anonymous=True)
    services.report_follow_up(actor=cast.liaison, report=plain, text="Jalan sudah ditambal.")
    paths = [
        "/open311/v2/requests.{fmt}?extensions=true",
        f"/open311/v2/requests/{plain.tracking_number}.{{fmt}}?extensions=true",
        f"/open311/v2/requests/{anonymous.tracking_number}.{{fmt}}?extensions=true",
        f"/open311/v2/tokens/{request_token(anonymous)}.{{fmt}}",
    ]
    for path in paths:
        answer = fetch(path)
        assert answer.status == 200
        for personal in PERSONAL:
            assert personal not in answer.body, (path, personal)


def test_the_public_follow_up_is_the_status_note_and_notes_come_with_extensions(
    fetch: Fetch, cast: Cast, public_report: MakeReport
) -> None:
    report = public_report()
    services.report_follow_up(actor=cast.liaison, report=report, text="Jalan sudah ditambal.")
    (item,) = fetch("/open311/v2/requests.{fmt}").data
    assert item["status_notes"] == "Jalan sudah ditambal."
    assert "notes" not in item
    (extended,) = fetch("/open311/v2/requests.{fmt}", extensions="true").data
    assert [note["type"] for note in extended["notes"]] == ["submit", "dispose", "follow_up"]
    assert extended["notes"][-1]["description"] == "Jalan sudah ditambal."
    assert all(ISO.match(note["datetime"]) for note in extended["notes"])


def test_a_closed_report_is_closed(fetch: Fetch, cast: Cast, public_report: MakeReport) -> None:
    report = public_report()
    open_one = public_report()
    services.report_intervene(actor=cast.national, report=report, reason="Sudah selesai.")
    closed = fetch("/open311/v2/requests.{fmt}", status="closed")
    assert _ids(closed.data) == {report.tracking_number}
    assert closed.data[0]["status"] == "closed"
    assert closed.data[0]["expected_datetime"] is None
    # The reason is addressed to the reporter: the public does not read it.
    assert closed.data[0]["status_notes"] is None
    opened = fetch("/open311/v2/requests.{fmt}", status="open")
    assert _ids(opened.data) == {open_one.tracking_number}
    both = fetch("/open311/v2/requests.{fmt}", status="open,closed")
    assert _ids(both.data) == {report.tracking_number, open_one.tracking_number}


def test_filters_by_service_code_and_date_window(fetch: Fetch, public_report: MakeReport) -> None:
    now = timezone.now()
    old = public_report(now=now - timedelta(days=120))
    recent = public_report(now=now - timedelta(days=2))
    other = public_report(now=now - timedelta(days=1), category="kesehatan.puskesmas")
    default = fetch("/open311/v2/requests.{fmt}")
    assert _ids(default.data) == {recent.tracking_number, other.tracking_number}
    window = fetch(
        "/open311/v2/requests.{fmt}",
        start_date=(now - timedelta(days=130)).isoformat(),
        end_date=(now - timedelta(days=100)).isoformat(),
    )
    assert _ids(window.data) == {old.tracking_number}
    coded = fetch("/open311/v2/requests.{fmt}", service_code="infrastruktur.jalan")
    assert _ids(coded.data) == {recent.tracking_number}
    # service_request_id overrides every other argument, the dates too.
    by_id = fetch(
        "/open311/v2/requests.{fmt}",
        service_request_id=old.tracking_number,
        service_code="kesehatan.puskesmas",
    )
    assert _ids(by_id.data) == {old.tracking_number}


def test_pages(fetch: Fetch, public_report: MakeReport) -> None:
    now = timezone.now()
    reports = [public_report(now=now - timedelta(hours=hours)) for hours in (1, 2, 3)]
    first = fetch("/open311/v2/requests.{fmt}", page_size=2)
    second = fetch("/open311/v2/requests.{fmt}", page_size=2, page=2)
    assert [item["service_request_id"] for item in first.data + second.data] == [
        report.tracking_number for report in reports
    ]


def test_bad_arguments_are_400s_in_the_error_format(fetch: Fetch) -> None:
    now = timezone.now()
    bad = [
        {"start_date": (now - timedelta(days=91)).isoformat(), "end_date": now.isoformat()},
        {"start_date": "kemarin"},
        {"start_date": "2026-11-01T00:00:00"},  # no time zone
        {"end_date": "2026-02-30T00:00:00Z"},
        {"start_date": now.isoformat(), "end_date": (now - timedelta(days=1)).isoformat()},
        {"status": "pending"},
        {"page": "0"},
        {"page_size": "201"},
        {"page": "dua"},
        {"service_request_id": "123"},
    ]
    for params in bad:
        answer = fetch("/open311/v2/requests.{fmt}", **params)
        assert answer.status == 400, params
        assert answer.data[0]["code"] == 400 and answer.data[0]["description"], params
    unknown = fetch("/open311/v2/requests.{fmt}", service_code="tidak.ada")
    assert unknown.status == 404


def test_an_offset_sent_with_an_unescaped_plus_is_read(fetch: Fetch) -> None:
    answer = fetch("/open311/v2/requests.{fmt}?start_date=2026-11-01T00:00:00+07:00")
    assert answer.status == 200
