"""Open data: the published reports of a year as CSV and JSON, described by the
data dictionary column for column; nothing personal in any column; confidential,
unverified and archived reports never in it; the year counted in WIB."""

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aduan.accounts.models import User
from aduan.regions.models import Region
from aduan.reporters.models import Reporter
from aduan.reporters.services import reporter_for_identity, reporter_for_user
from aduan.reports import services
from aduan.reports.models import Channel, Report
from aduan.reports.policy import Actor
from aduan.stats.services import stats_update_due
from aduan.web.opendata import columns
from aduan.web.opendata.selectors import open_reports
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

MakeReport = Callable[..., Report]


def at(moment: str) -> datetime:
    """A moment in UTC."""
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


def caught_up() -> None:
    while stats_update_due():
        pass


def download(client: Client, year: int | str, fmt: str) -> bytes:
    response = client.get(f"/data-terbuka/laporan-{year}.{fmt}")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"] == f'attachment; filename="laporan-{year}.{fmt}"'
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def csv_rows(client: Client, year: int) -> list[dict[str, str]]:
    raw = download(client, year, "csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def json_rows(client: Client, year: int) -> list[dict[str, Any]]:
    rows = json.loads(download(client, year, "json").decode("utf-8"))
    assert isinstance(rows, list)
    return rows


def published(cast: Cast, report: Report, now: datetime | None = None) -> Report:
    services.report_dispose(
        actor=cast.national,
        report=report,
        agency_id=cast.kota.pk,
        unit_id=cast.pupr.pk,
        now=now,
    )
    return Report.objects.select_related("agency__region").get(pk=report.pk)


def numbers(rows: list[dict[str, Any]]) -> set[str]:
    return {row["tracking_number"] for row in rows}


# -- the dictionary and the files describe the same columns ----------------------------


def test_every_column_of_the_files_is_in_the_dictionary_and_back(
    client: Client, cast: Cast, dispositioned: MakeReport
) -> None:
    dispositioned(now=at("2024-05-06T03:00:00"))
    dictionary = client.get("/data-terbuka/kamus.json").json()
    keys = [entry["key"] for entry in dictionary["columns"]]
    assert keys == list(columns.KEYS) and len(set(keys)) == len(keys)
    assert dictionary["licence"]["name"] == "CC BY 4.0"
    for entry in dictionary["columns"]:
        assert entry["description"] and entry["type"] in {"string", "integer", "boolean", "date"}

    raw = download(client, 2024, "csv").decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(raw)))
    assert header == keys
    (row,) = json_rows(client, 2024)
    assert list(row) == keys

    page = client.get("/data-terbuka").content.decode()
    for key in keys:
        assert f'<th scope="row"><code>{key}</code></th>' in page


def test_coded_values_are_among_those_the_dictionary_allows(
    client: Client, cast: Cast, dispositioned: MakeReport
) -> None:
    first = dispositioned(now=at("2024-02-01T03:00:00"), type="aspiration", channel=Channel.SMS)
    second = dispositioned(now=at("2024-02-02T03:00:00"))
    services.report_answer(actor=cast.liaison, report=second, text="Sudah diperbaiki.")
    caught_up()
    allowed = {
        entry["key"]: {choice["value"] for choice in entry["allowed_values"]}
        for entry in client.get("/data-terbuka/kamus.json").json()["columns"]
        if entry["allowed_values"]
    }
    assert set(allowed) == {"type", "channel", "state"}
    rows = json_rows(client, 2024)
    assert numbers(rows) == {first.tracking_number, second.tracking_number}
    for row in rows:
        for key, values in allowed.items():
            assert row[key] in values
    assert {row["state"] for row in rows} == {"dispositioned", "answered"}
    assert {row["type"] for row in rows} == {"aspiration", "complaint"}


# -- nothing personal --------------------------------------------------------------------

_MARKERS = (
    "Zulkarnaen Penandawati",
    "penanda.rahasia@contoh.id",
    "81299887766",
    "penanda_x",
    "penanda_akun",
    "3274015505900007",
    "JUDULPENANDA",
    "ISIPENANDA",
    "Jalan Penanda Alamat",
    "6.7071234",
    "108.5571234",
    "6.70712",
    "108.55712",
    "TINDAKLANJUTPENANDA",
)

# Words that name a personal field: no column may be called by one of them.
_PERSONAL_WORDS = {
    "reporter",
    "pelapor",
    "user",
    "username",
    "nik",
    "phone",
    "telepon",
    "email",
    "mail",
    "surel",
    "handle",
    "x",
    "title",
    "judul",
    "body",
    "isi",
    "text",
    "comment",
    "address",
    "alamat",
    "latitude",
    "longitude",
    "lat",
    "lon",
    "lng",
    "coordinates",
    "anonymous",
    "anonim",
    "ip",
    "attachment",
    "file",
    "village",
    "district",
    "unit",
}


def test_no_column_is_named_like_a_personal_field() -> None:
    for key in columns.KEYS:
        words = set(key.split("_"))
        assert not words & _PERSONAL_WORDS, key
        if "name" in words:
            # Only the names of things: a category, a region, an agency.
            assert key in {"category_name", "province_name", "regency_name", "agency_name"}


def _marked_reporters() -> list[Reporter]:
    """Reporters whose every personal field holds a marker: one with an account,
    one known by a phone number, one by an e-mail address and one by an X handle."""
    user = User.objects.create(
        username="penanda_akun", email="penanda.rahasia@contoh.id", role="citizen"
    )
    with_account = reporter_for_user(user=user)
    with_account.name = "Zulkarnaen Penandawati"
    with_account.nik = "3274015505900007"
    with_account.save()
    return [
        with_account,
        reporter_for_identity(kind="phone", value="+6281299887766", name="Zulkarnaen Penandawati"),
        reporter_for_identity(kind="email", value="penanda.rahasia@contoh.id"),
        reporter_for_identity(kind="x", value="penanda_x", name="Zulkarnaen Penandawati"),
    ]


def test_no_personal_data_appears_anywhere_in_the_files(client: Client, cast: Cast) -> None:
    district = Region.objects.get(code="32.74.01").name
    reports = []
    for index, reporter in enumerate(_marked_reporters()):
        for anonymous in (False, True):
            report = services.report_create(
                actor=Actor.for_reporter(reporter.pk),
                reporter=reporter,
                type="complaint",
                title="JUDULPENANDA jalan rusak",
                body="ISIPENANDA hubungi saya di 081299887766, Zulkarnaen Penandawati.",
                channel=Channel.WEB,
                category="infrastruktur.jalan",
                location=services.Location(
                    region="32.74.01",
                    latitude=-6.7071234,
                    longitude=108.5571234,
                    address="Jalan Penanda Alamat No. 7",
                ),
                anonymous=anonymous,
                now=at(f"2024-03-0{index + 1}T02:00:00"),
            )
            report = published(cast, report, now=at(f"2024-03-0{index + 1}T04:00:00"))
            services.report_answer(
                actor=cast.liaison, report=report, text="TINDAKLANJUTPENANDA sudah diperbaiki."
            )
            reports.append(report)
    caught_up()

    files = {
        "csv": download(client, 2024, "csv").decode("utf-8-sig"),
        "json": download(client, 2024, "json").decode("utf-8"),
    }
    for fmt, text in files.items():
        for marker in (*_MARKERS, district):
            assert marker not in text, (fmt, marker)
        for report in reports:
            assert report.tracking_number in text
    # Decoded too: a marker written with JSON escapes would slip past the bytes.
    cells = " ".join(str(value) for row in json.loads(files["json"]) for value in row.values())
    for marker in (*_MARKERS, district):
        assert marker not in cells, marker
    # An anonymous report and one that is not look alike, apart from their number and day.
    rows = json_rows(client, 2024)
    assert len(rows) == 8
    differing = {key for key in columns.KEYS if len({json.dumps(row[key]) for row in rows}) > 1}
    assert differing <= {
        "tracking_number",
        "submitted_date",
        "dispositioned_date",
        "first_follow_up_date",
        "completed_date",
        "first_follow_up_days",
        "completion_days",
    }


# -- which reports ----------------------------------------------------------------------


def test_confidential_reports_never_appear_and_the_others_do(
    client: Client, cast: Cast, dispositioned: MakeReport
) -> None:
    secret = dispositioned(now=at("2024-04-01T03:00:00"), confidential=True)
    services.report_answer(actor=cast.liaison, report=secret, text="Sudah.")
    open_report = dispositioned(now=at("2024-04-01T03:00:00"))
    caught_up()
    for fmt in ("csv", "json"):
        text = download(client, 2024, fmt).decode("utf-8-sig")
        assert secret.tracking_number not in text
        assert open_report.tracking_number in text
    assert numbers(csv_rows(client, 2024)) == {open_report.tracking_number}


def test_unverified_and_archived_reports_do_not_appear(
    client: Client, cast: Cast, make_report: MakeReport, dispositioned: MakeReport
) -> None:
    when = at("2024-06-03T03:00:00")
    waiting = make_report(now=when)
    needs_info = make_report(now=when)
    services.report_request_info(actor=cast.national, report=needs_info, reason="Foto mana?")
    spam = make_report(now=when)
    services.report_archive(actor=cast.national, report=spam, reason="spam")
    original = dispositioned(now=when)
    duplicate = make_report(now=when)
    services.report_archive(
        actor=cast.national,
        report=duplicate,
        reason="duplicate",
        duplicate_of=original.tracking_number,
    )
    rows = json_rows(client, 2024)
    assert numbers(rows) == {original.tracking_number}
    text = download(client, 2024, "csv").decode("utf-8-sig")
    for hidden in (waiting, needs_info, spam, duplicate):
        assert hidden.tracking_number not in text


def test_the_year_is_the_year_of_submission_in_wib(
    client: Client, cast: Cast, dispositioned: MakeReport
) -> None:
    # 20:00 UTC on New Year's Eve is 03:00 on 1 January in Jakarta.
    new_year = dispositioned(now=at("2020-12-31T20:00:00"))
    old_year = dispositioned(now=at("2020-12-31T16:59:00"))
    (row,) = csv_rows(client, 2021)
    assert row["tracking_number"] == new_year.tracking_number
    assert row["submitted_date"] == "2021-01-01"
    (row,) = json_rows(client, 2020)
    assert row["tracking_number"] == old_year.tracking_number
    assert row["submitted_date"] == "2020-12-31"


def test_a_year_without_reports_is_a_valid_empty_file(client: Client) -> None:
    raw = download(client, 2016, "csv")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [list(columns.KEYS)]
    assert json_rows(client, 2016) == []


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("abcd", "Tahun harus ditulis dengan 4 angka"),
        ("20211", "Tahun harus ditulis dengan 4 angka"),
        ("٢٠٢١", "Tahun harus ditulis dengan 4 angka"),
        ("1999", "Tahun harus antara 2015 dan"),
        ("2999", "Tahun harus antara 2015 dan"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_invalid_year_is_refused_with_a_reason(
    client: Client, year: str, message: str, fmt: str
) -> None:
    response = client.get(f"/data-terbuka/laporan-{year}.{fmt}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Cache-Control" not in response or "public" not in response["Cache-Control"]


# -- what the columns hold ----------------------------------------------------------------


def test_a_handled_report_in_every_column(
    client: Client, cast: Cast, dispositioned: MakeReport
) -> None:
    # Monday 6 May 2024, 10:00 WIB; followed up on Wednesday, answered the next
    # Monday (Thursday 9 May is Ascension Day, Friday 10 cuti bersama).
    report = dispositioned(now=at("2024-05-06T03:00:00"))
    services.report_follow_up(
        actor=cast.liaison, report=report, text="Dicek.", now=at("2024-05-08T03:00:00")
    )
    report = Report.objects.select_related("agency__region").get(pk=report.pk)
    services.report_answer(
        actor=cast.liaison, report=report, text="Selesai.", now=at("2024-05-13T03:00:00")
    )
    report = Report.objects.get(pk=report.pk)
    services.report_confirm(
        actor=cast.owner, report=report, rating=5, now=at("2024-05-14T03:00:00")
    )
    Report.objects.filter(pk=report.pk).update(support_count=7)
    caught_up()
    (row,) = csv_rows(client, 2024)
    assert row == {
        "tracking_number": report.tracking_number,
        "type": "complaint",
        "category_code": "infrastruktur.jalan",
        "category_name": report.category.name if report.category else "",
        "province_code": "32",
        "province_name": Region.objects.get(code="32").name,
        "regency_code": "32.74",
        "regency_name": Region.objects.get(code="32.74").name,
        "agency_code": "pemda-32-74",
        "agency_name": cast.kota.name,
        "channel": "web",
        "state": "closed",
        "submitted_date": "2024-05-06",
        "dispositioned_date": "2024-05-06",
        "first_follow_up_date": "2024-05-08",
        "completed_date": "2024-05-13",
        "closed_date": "2024-05-14",
        "first_follow_up_days": "2",
        "first_follow_up_on_time": "true",
        "completion_days": "3",
        "completion_on_time": "true",
        "rating": "5",
        "support_count": "7",
    }
    (item,) = json_rows(client, 2024)
    assert item["first_follow_up_days"] == 2 and item["completion_on_time"] is True
    assert item["rating"] == 5 and item["support_count"] == 7
    assert item["closed_date"] == "2024-05-14"


def test_a_report_not_yet_handled_has_empty_cells(
    client: Client, cast: Cast, make_report: MakeReport
) -> None:
    report = make_report(now=at("2024-07-01T03:00:00"), category=None, location=None)
    published(cast, report, now=at("2024-07-01T04:00:00"))
    caught_up()
    (row,) = csv_rows(client, 2024)
    for key in (
        "category_code",
        "category_name",
        "province_code",
        "province_name",
        "regency_code",
        "regency_name",
        "first_follow_up_date",
        "completed_date",
        "closed_date",
        "first_follow_up_days",
        "first_follow_up_on_time",
        "completion_days",
        "completion_on_time",
        "rating",
    ):
        assert row[key] == "", key
    assert row["dispositioned_date"] == "2024-07-01" and row["support_count"] == "0"
    (item,) = json_rows(client, 2024)
    assert item["regency_code"] is None and item["first_follow_up_on_time"] is None


def test_a_late_first_follow_up_is_marked_late(
    client: Client, cast: Cast, dispositioned: MakeReport
) -> None:
    report = dispositioned(now=at("2024-08-05T03:00:00"))
    services.report_follow_up(
        actor=cast.liaison, report=report, text="Dicek.", now=at("2024-08-26T03:00:00")
    )
    caught_up()
    (item,) = json_rows(client, 2024)
    assert item["first_follow_up_on_time"] is False and item["first_follow_up_days"] > 5
    assert item["completion_on_time"] is None


# -- reading a large year --------------------------------------------------------------


def test_reports_are_read_a_page_at_a_time_in_order_without_loss(
    cast: Cast, dispositioned: MakeReport
) -> None:
    same = at("2024-09-02T03:00:00")
    made = [dispositioned(now=same) for _ in range(5)]
    made += [dispositioned(now=at("2024-09-03T03:00:00")) for _ in range(2)]
    records = list(open_reports(year=2024, page_size=2))
    assert [record["tracking_number"] for record in records] == [
        report.tracking_number for report in sorted(made, key=lambda r: (r.submitted_at, r.pk))
    ]


def test_the_queries_do_not_grow_with_the_reports(
    client: Client,
    cast: Cast,
    dispositioned: MakeReport,
    django_assert_max_num_queries: Any,
) -> None:
    for day in range(1, 13):
        dispositioned(now=at(f"2024-10-{day:02d}T03:00:00"))
    caught_up()
    # The regions' names, one page of reports, their statistics.
    with django_assert_max_num_queries(3):
        assert len(json_rows(client, 2024)) == 12


# -- the page ------------------------------------------------------------------------


def test_the_page_offers_each_year_the_licence_and_the_dictionary(
    client: Client, cast: Cast, dispositioned: MakeReport
) -> None:
    dispositioned(now=at("2019-03-04T03:00:00"))
    response = client.get("/data-terbuka")
    assert response.status_code == 200
    page = response.content.decode()
    this_year = timezone.localdate().year
    for year in range(2019, this_year + 1):
        assert f'href="/data-terbuka/laporan-{year}.csv"' in page
        assert f'href="/data-terbuka/laporan-{year}.json"' in page
    assert "/data-terbuka/laporan-2018.csv" not in page
    assert "CC BY 4.0" in page and 'href="/data-terbuka/kamus.json"' in page
    assert "<caption>" in page and '<th scope="col">' in page


def test_the_footer_links_to_open_data(client: Client) -> None:
    page = client.get("/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert 'href="/data-terbuka"' in footer


def test_downloads_are_rate_limited(client: Client, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "download": "2/h"}
    codes = [
        client.get(f"/data-terbuka/laporan-2020.{fmt}").status_code
        for fmt in ["csv", "json", "csv"]
    ]
    assert codes == [200, 200, 429]
