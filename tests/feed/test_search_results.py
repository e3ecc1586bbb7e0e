"""The feed's search results: their number, their order, and a search document that
follows a report's category and region (issue 19, Build 5)."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from aduan.categories.models import Category
from aduan.reports import search
from aduan.reports.models import Report
from aduan.reports.search import FeedFilters, report_feed, report_feed_ranked, result_count
from tests.feed.conftest import BulkReports

pytestmark = pytest.mark.django_db


def _found(q: str) -> set[int]:
    return {report.pk for report in report_feed(filters=FeedFilters(q=q)).reports}


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)


def test_the_feed_says_how_many_it_found(client: Client, bulk_reports: BulkReports) -> None:
    bulk_reports(3, title="Sampah menumpuk")
    bulk_reports(2, title="Lain hal")
    html = client.get("/jelajah", {"q": "sampah"}).content.decode()
    assert '<p class="feed-count" role="status">3 laporan</p>' in html
    html = client.get("/jelajah", {"q": "kereta"}).content.decode()
    assert '<p class="feed-count" role="status">0 laporan</p>' in html


def test_the_count_stops_at_its_bound(
    client: Client, bulk_reports: BulkReports, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "COUNT_LIMIT", 5)
    bulk_reports(7, title="Sampah menumpuk")
    assert result_count(FeedFilters(q="sampah")) == 6
    html = client.get("/jelajah", {"q": "sampah"}).content.decode()
    assert "Lebih dari 5 laporan" in html
    english = client.get("/jelajah", {"q": "sampah"}, headers={"accept-language": "en"})
    assert "More than 5 reports" in english.content.decode()


def test_the_sort_control_puts_the_best_match_first(
    client: Client, bulk_reports: BulkReports
) -> None:
    now = timezone.now()
    bulk_reports(1, title="Got mampet di gang", body="Sampah menyumbat.", start=now)
    bulk_reports(
        1, title="Sampah tidak diangkut", body="Sampah menumpuk.", start=now - timedelta(days=3)
    )
    newest = client.get("/jelajah", {"q": "sampah"}).content.decode()
    assert _titles(newest) == ["Got mampet di gang", "Sampah tidak diangkut"]
    best = client.get("/jelajah", {"q": "sampah", "urutan": "relevan"}).content.decode()
    assert _titles(best) == ["Sampah tidak diangkut", "Got mampet di gang"]
    assert '<option value="relevan" selected>Paling relevan</option>' in best


def test_results_by_relevance_page_by_number(client: Client, bulk_reports: BulkReports) -> None:
    bulk_reports(25, title="Sampah menumpuk")
    html = client.get("/jelajah", {"q": "sampah", "urutan": "relevan"}).content.decode()
    assert len(_titles(html)) == 20
    older = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert older is not None
    assert "halaman=2" in older[1]
    html = client.get(older[1].replace("&amp;", "&")).content.decode()
    assert len(_titles(html)) == 5
    assert 'rel="next"' not in html
    assert 'rel="prev"' in html


@pytest.mark.parametrize("page", ["0", "51", "x", "9" * 30])
def test_a_bad_page_number_is_said_and_the_first_page_shown(
    client: Client, bulk_reports: BulkReports, page: str
) -> None:
    bulk_reports(3, title="Sampah menumpuk")
    response = client.get("/jelajah", {"q": "sampah", "urutan": "relevan", "halaman": page})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="feed-errors"' in html
    assert len(_titles(html)) == 3


def test_an_unknown_sort_is_said_and_newest_first_used(
    client: Client, bulk_reports: BulkReports
) -> None:
    bulk_reports(2, title="Sampah menumpuk")
    response = client.get("/jelajah", {"q": "sampah", "urutan": "acak"})
    assert response.status_code == 200
    assert 'class="feed-errors"' in response.content.decode()


def test_a_category_or_region_changed_later_is_searched_at_once(
    bulk_reports: BulkReports,
) -> None:
    """As verification completes a report from SMS: the triggers re-derive the
    document on any update, by save() or in bulk; nothing needs calling."""
    (report,) = bulk_reports(
        1, title="Laporan SMS", body="tolong segera", category=None, region_id=None
    )
    assert _found("jalan rusak") == set()
    assert _found("semarang") == set()
    report.category = Category.objects.get(code="infrastruktur.jalan")
    report.save()
    assert _found("jalan rusak") == {report.pk}
    Report.objects.filter(pk=report.pk).update(region_id="33.74")
    assert _found("semarang") == {report.pk}
    assert _found("jawa tengah") == {report.pk}
    Report.objects.filter(pk=report.pk).update(region_id="32.74.01")
    assert _found("semarang") == set()
    assert _found("kejaksan cirebon") == {report.pk}


def test_a_renamed_category_is_searched_after_a_refresh(bulk_reports: BulkReports) -> None:
    (report,) = bulk_reports(1, title="Laporan", body="Isi laporan.")
    Category.objects.filter(code="infrastruktur.jalan").update(name="Jalan amblas")
    assert _found("amblas") == set()
    search.search_document_refresh([report.pk])
    assert _found("amblas") == {report.pk}
    search.search_document_refresh()
    assert _found("amblas") == {report.pk}


def test_a_deleted_report_leaves_the_index(bulk_reports: BulkReports) -> None:
    (report,) = bulk_reports(1, title="Trotoar rusak")
    Report.objects.filter(pk=report.pk).delete()
    assert _found("trotoar") == set()


def test_confidential_reports_are_neither_ranked_nor_counted(bulk_reports: BulkReports) -> None:
    (public,) = bulk_reports(1, title="Pungutan liar di pasar")
    bulk_reports(2, title="Pungutan liar di kelurahan", is_confidential=True)
    assert result_count(FeedFilters(q="pungli")) == 1
    ranked = report_feed_ranked(filters=FeedFilters(q="pungutan kelurahan"))
    assert ranked.reports == []
    assert [r.pk for r in report_feed_ranked(filters=FeedFilters(q="pungli")).reports] == [
        public.pk
    ]


def test_a_broad_search_reads_the_same_pages(
    bulk_reports: BulkReports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search that matches more than the bounded count is read along the date
    index instead: the same reports, in the same order, page after page."""
    bulk_reports(3, title="Lain hal")
    matching = bulk_reports(30, title="Sampah menumpuk", start=timezone.now() - timedelta(hours=1))
    filters = FeedFilters(q="sampah")
    narrow = report_feed(filters=filters)
    monkeypatch.setattr(search, "COUNT_LIMIT", 5)
    found = result_count(filters)
    assert found == 6
    broad = report_feed(filters=filters, found=found)
    assert [r.pk for r in broad.reports] == [r.pk for r in narrow.reports]
    assert [r.pk for r in broad.reports] == [r.pk for r in matching[:20]]
    assert broad.older is not None
    rest = report_feed(filters=filters, before=broad.older, found=found)
    assert [r.pk for r in rest.reports] == [r.pk for r in matching[20:]]


def test_a_narrow_search_is_paged_from_its_matches_as_from_the_index(
    bulk_reports: BulkReports,
) -> None:
    """The count's one reading of a search's matches gives every page, older and
    newer, exactly as the feed's own query would (ties in time broken by id)."""
    bulk_reports(3, title="Lain hal")
    bulk_reports(7, title="Sampah menumpuk", start=timezone.now() - timedelta(hours=1))
    # Two at the very same moment: the id breaks the tie.
    market = bulk_reports(2, title="Sampah di pasar", start=timezone.now() - timedelta(hours=3))
    Report.objects.filter(pk__in=[r.pk for r in market]).update(submitted_at=market[0].submitted_at)
    filters = FeedFilters(q="sampah")
    matches = search.search_matches(filters)
    assert matches.count == 9 and matches.keys is not None

    def walk(**cursor: Any) -> tuple[list[int], search.FeedPage]:
        by_query = report_feed(filters=filters, size=2, **cursor)
        by_matches = report_feed(filters=filters, size=2, matches=matches, **cursor)
        assert (by_matches.older, by_matches.newer) == (by_query.older, by_query.newer)
        assert [r.pk for r in by_matches.reports] == [r.pk for r in by_query.reports]
        return [r.pk for r in by_query.reports], by_query

    seen, page = walk()
    while page.older is not None:
        ids, page = walk(before=page.older)
        seen += ids
    assert len(seen) == len(set(seen)) == 9
    while page.newer is not None:
        _ids, page = walk(after=page.newer)
    assert search.search_matches(FeedFilters(q="")).keys is None


def test_the_search_triggers_survive_every_later_migration() -> None:
    """A migration that makes SQLite rebuild reports_report drops its triggers; this
    fails until that migration recreates them (0010's create_sqlite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = 'reports_report' AND name LIKE 'reports_report_fts_%'"
            )
            expected = {f"reports_report_fts_{op}" for op in ("insert", "update", "delete")}
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'reports_report'::regclass"
                " AND tgname LIKE 'reports_report_search_%'"
            )
            expected = {
                f"reports_report_search_{op}" for op in ("insert", "update", "delete", "truncate")
            }
        assert {name for (name,) in cursor.fetchall()} == expected
