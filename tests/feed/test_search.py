import re
from collections.abc import Callable

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aduan.reports import search, services
from aduan.reports.models import Report
from aduan.reports.search import FeedFilters, fts5_query, report_feed
from tests.feed.conftest import BulkReports
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

Make = Callable[..., Report]


def _found(q: str, **filters: str) -> set[str]:
    return {report.title for report in report_feed(filters=FeedFilters(q=q, **filters)).reports}


@pytest.fixture
def roads(dispositioned: Make) -> None:
    dispositioned(
        title="Jalanan berlubang di depan pasar",
        body="Lubang besar membahayakan pengendara motor setiap malam.",
    )
    dispositioned(
        title="Lampu jalan mati",
        body="Penerangan jalan umum di Jalan Kartini padam sejak seminggu.",
        category="infrastruktur.lampu_jalan",
    )
    dispositioned(
        title="Banjir di perumahan",
        body="Air rob dan banjir masuk rumah warga setelah hujan deras.",
        category="infrastruktur.drainase",
    )


@pytest.mark.usefixtures("roads")
def test_it_finds_reports_by_indonesian_words_in_title_or_body() -> None:
    assert _found("pengendara motor") == {"Jalanan berlubang di depan pasar"}
    assert _found("jalan") == {"Jalanan berlubang di depan pasar", "Lampu jalan mati"}
    assert _found("KARTINI") == {"Lampu jalan mati"}
    assert _found("kereta") == set()


@pytest.mark.usefixtures("roads")
def test_it_reads_the_words_as_a_web_search_does() -> None:
    assert _found('"lampu jalan"') == {"Lampu jalan mati"}
    assert _found('"jalan lampu"') == set()
    assert _found("banjir or kartini") == {"Banjir di perumahan", "Lampu jalan mati"}
    assert _found("jalan -kartini") == {"Jalanan berlubang di depan pasar"}


@pytest.mark.usefixtures("roads")
def test_search_and_filters_go_together() -> None:
    assert _found("jalan", category="infrastruktur.lampu_jalan") == {"Lampu jalan mati"}
    assert _found("jalan", category="infrastruktur.drainase") == set()


def test_a_search_within_a_region_finds_only_what_is_in_it(dispositioned: Make) -> None:
    def at(region: str) -> services.Location:
        return services.Location(region=region)

    dispositioned(title="Jalan rusak di Kejaksan", location=at("32.74.01.1001"))
    dispositioned(title="Jalan rusak di Kota Cirebon", location=at("32.74"))
    dispositioned(title="Jalan rusak di Kabupaten Cirebon", location=at("32.09"))
    dispositioned(title="Jalan rusak di Semarang", location=at("33.74"))
    moved = dispositioned(title="Jalan rusak, salah tempat", location=at("31"))
    everywhere = {"Jalan rusak di Kejaksan", "Jalan rusak di Kota Cirebon"}
    everywhere |= {"Jalan rusak di Kabupaten Cirebon", "Jalan rusak di Semarang"}
    assert _found("jalan rusak") == everywhere | {"Jalan rusak, salah tempat"}
    assert _found("jalan rusak", region="32") == everywhere - {"Jalan rusak di Semarang"}
    assert _found("jalan rusak", region="32.74") == {
        "Jalan rusak di Kejaksan",
        "Jalan rusak di Kota Cirebon",
    }
    assert _found("semarang", region="32") == set()
    # The count says the same, and the words still match as a web search reads them.
    assert search.result_count(FeedFilters(q="jalan rusak", region="32.74")) == 2
    assert _found("jalan -kejaksan", region="32.74") == {"Jalan rusak di Kota Cirebon"}
    assert _found("kejaksan or semarang", region="32") == {"Jalan rusak di Kejaksan"}
    # A report placed again (its region changed by any statement, as a correction
    # at verification changes it): the search within the region finds it at once.
    Report.objects.filter(pk=moved.pk).update(region_id="32.74.01")
    assert "Jalan rusak, salah tempat" in _found("jalan rusak", region="32.74")
    assert "Jalan rusak, salah tempat" not in _found("jalan rusak", region="31")


@pytest.mark.usefixtures("roads")
def test_both_databases_stem_indonesian_words() -> None:
    assert _found("bahaya") == {"Jalanan berlubang di depan pasar"}  # membahayakan
    assert "Jalanan berlubang di depan pasar" in _found("lubang")  # berlubang


NASTY = [
    '"',
    '""',
    '"jalan',
    'jalan" OR (',
    "*",
    "jalan*",
    "NEAR(jalan lampu)",
    "title:jalan",
    "- -- ---",
    "-",
    "AND OR NOT",
    "jalan AND",
    "^jalan",
    "{title body}: jalan",
    "'; DROP TABLE reports_report; --",
    "100%",
    "a_b",
    "\\",
    "(((",
    "jalan & lampu | !banjir",
    "e-KTP",
    "🚧 jalan",
    "ｊａｌａｎ",
]


@pytest.mark.usefixtures("roads")
@pytest.mark.parametrize("q", NASTY)
def test_no_words_break_the_search(client: Client, q: str) -> None:
    report_feed(filters=FeedFilters(q=q))
    response = client.get("/jelajah", {"q": q})
    assert response.status_code == 200


@pytest.mark.usefixtures("roads")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60))
def test_no_text_at_all_breaks_the_search(q: str) -> None:
    report_feed(filters=FeedFilters(q=q.replace("\x00", "")))


def test_confidential_and_unverified_reports_are_never_found(
    cast: Cast, make_report: Make, dispositioned: Make
) -> None:
    dispositioned(title="Pungutan liar di kelurahan", confidential=True)
    make_report(title="Pungutan liar di sekolah")
    archived = make_report(title="Pungutan liar di pasar")
    services.report_archive(actor=cast.national, report=archived, reason="spam")
    dispositioned(title="Pungutan liar di terminal")
    assert _found("pungutan liar") == {"Pungutan liar di terminal"}
    assert _found('"di kelurahan"') == set()


def test_reports_inserted_in_bulk_and_edited_are_found(bulk_reports: BulkReports) -> None:
    (report,) = bulk_reports(1, title="Trotoar rusak", body="Paving terlepas.")
    assert _found("paving") == {"Trotoar rusak"}
    report.title = "Trotoar ambles"
    report.body = "Ubin pecah."
    report.save()
    assert _found("ambles ubin") == {"Trotoar ambles"}
    assert _found("paving") == set()


def test_search_results_come_newest_first_and_page(
    client: Client, bulk_reports: BulkReports
) -> None:
    bulk_reports(25, title="Sampah menumpuk")
    bulk_reports(5, title="Lain hal")
    html = client.get("/jelajah", {"q": "sampah"}).content.decode()
    assert html.count("Sampah menumpuk") == 20
    older = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert older is not None
    html = client.get(older[1].replace("&amp;", "&")).content.decode()
    assert html.count("Sampah menumpuk") == 5


def test_the_fts5_query_quotes_every_term() -> None:
    assert fts5_query("jalan berlubang") == '("jalan" AND ("lubang"* OR "berlubang"*))'
    assert fts5_query('"lampu jalan" di') == '("lampu jalan")'
    assert fts5_query("banjir or rob") == '("banjir") OR (("rob"* OR "rob"*))'
    assert fts5_query("jln -kartini") == '(("jalan") NOT "kartini")'
    # "b" is a stop word, left out beside another term.
    assert fts5_query('NEAR(a" b') == '("near a")'
    assert fts5_query("-kartini") is None
    assert fts5_query('"" * ( )') is None
    # Words past the twelfth are left out; the last typed is not among them.
    assert fts5_query(" ".join(["kata"] * 50)) == "(" + " AND ".join(['"kata"'] * 12) + ")"


def test_the_cursor_reads_back_what_it_wrote(bulk_reports: BulkReports) -> None:
    (report,) = bulk_reports(1)
    cursor = search.Cursor.of(Report.objects.get(pk=report.pk))
    assert search.Cursor.parse(str(cursor), field="sebelum") == cursor
