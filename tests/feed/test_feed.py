import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from aduan.reports import services
from aduan.reports.models import Report
from tests.feed.conftest import BulkReports
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

Make = Callable[..., Report]


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/laporan/\d+">([^<]*)</a></h3>', html)


def _feed(client: Client, **params: str) -> str:
    response = client.get("/jelajah", params)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_public_reports_newest_first_and_nothing_else(
    client: Client, cast: Cast, make_report: Make, dispositioned: Make
) -> None:
    now = timezone.now()
    dispositioned(title="Lampu jalan mati", now=now - timedelta(days=2))
    dispositioned(title="Sampah menumpuk", now=now - timedelta(days=1))
    dispositioned(title="Rahasia dinas", confidential=True)
    make_report(title="Belum diverifikasi")
    archived = make_report(title="Sudah diarsipkan")
    services.report_archive(actor=cast.national, report=archived, reason="spam")
    assert _titles(_feed(client)) == ["Sampah menumpuk", "Lampu jalan mati"]


def test_a_row_says_what_where_who_and_how_far_but_never_who_reported(
    client: Client, cast: Cast, dispositioned: Make
) -> None:
    cast.reporter.name = "Siti Aminah"
    cast.reporter.save()
    report = dispositioned(title="Jalan berlubang", anonymous=False)
    dispositioned(title="Jalan rusak", anonymous=True)
    services.report_follow_up(actor=cast.liaison, report=report, text="Sedang disurvei.")
    Report.objects.filter(pk=report.pk).update(support_count=7)
    html = _feed(client)
    row = html[html.index("Jalan berlubang") :]
    assert f'href="/laporan/{report.tracking_number}"' in html
    assert "Pengaduan" in row and "Jalan rusak / berlubang" in row
    assert "Kota Cirebon" in row  # the district, with its city
    assert "Pemerintah Kota Cirebon" in row and "Ditindaklanjuti" in row
    assert "7 dukungan" in row
    assert "Siti" not in html and "Aminah" not in html


def test_user_text_is_escaped(client: Client, dispositioned: Make) -> None:
    dispositioned(title="<script>alert(1)</script> jalan")
    html = _feed(client)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; jalan" in html


def test_a_province_matches_every_report_inside_it(client: Client, dispositioned: Make) -> None:
    dispositioned(title="Di Kota Cirebon", location=services.Location(region="32.74.01"))
    dispositioned(title="Di Kabupaten Cirebon", location=services.Location(region="32.09"))
    dispositioned(title="Di Jawa Tengah", location=services.Location(region="33.74"))
    assert set(_titles(_feed(client, provinsi="32"))) == {"Di Kota Cirebon", "Di Kabupaten Cirebon"}
    assert _titles(_feed(client, provinsi="32", kota="32.74")) == ["Di Kota Cirebon"]
    # A city alone brings its province along.
    html = _feed(client, kota="32.74")
    assert _titles(html) == ["Di Kota Cirebon"]
    assert '<option value="32" selected>' in html


def test_the_city_select_follows_the_province_without_javascript(
    client: Client, dispositioned: Make
) -> None:
    dispositioned(title="Di Jawa Tengah", location=services.Location(region="33.74"))
    html = _feed(client)
    assert '<option value="32.74"' not in html  # no province yet: no cities offered
    html = _feed(client, provinsi="32")
    assert '<option value="32.74">Kota Cirebon</option>' in html
    # The province changed, the old city stayed in the form: the city is dropped.
    html = _feed(client, provinsi="33", kota="32.74")
    assert _titles(html) == ["Di Jawa Tengah"]
    assert 'role="alert"' not in html
    assert '<option value="32.74"' not in html


def test_a_parent_category_matches_its_children(client: Client, dispositioned: Make) -> None:
    dispositioned(title="Jalan", category="infrastruktur.jalan")
    dispositioned(title="Lampu", category="infrastruktur.lampu_jalan")
    dispositioned(title="Puskesmas", category="kesehatan.puskesmas")
    assert set(_titles(_feed(client, kategori="infrastruktur"))) == {"Jalan", "Lampu"}
    assert _titles(_feed(client, kategori="infrastruktur.lampu_jalan")) == ["Lampu"]
    html = _feed(client)
    assert '<optgroup label="Kesehatan">' in html


def test_the_agency_filter(
    client: Client, cast: Cast, make_report: Make, dispositioned: Make
) -> None:
    dispositioned(title="Ke kota")
    other = make_report(title="Ke kabupaten")
    services.report_dispose(actor=cast.national, report=other, agency_id=cast.kabupaten.pk)
    assert _titles(_feed(client, instansi=cast.kabupaten.code)) == ["Ke kabupaten"]
    html = _feed(client, instansi=cast.kota.code)
    assert _titles(html) == ["Ke kota"]
    assert f'<option value="{cast.kota.code}" selected>' in html


def test_the_agency_list_stays_short(client: Client, cast: Cast) -> None:
    html = _feed(client, kota="32.74")
    assert f'value="{cast.kota.code}"' in html  # the city's own government
    assert 'value="pemda-32"' in html  # its province
    assert f'value="{cast.kabupaten.code}"' not in html  # a neighbour
    agencies = html[html.index('id="f-instansi"') : html.index('id="f-status"')]
    assert agencies.count("<option") < 150


def test_the_status_and_type_filters(client: Client, cast: Cast, dispositioned: Make) -> None:
    followed = dispositioned(title="Ditangani", type="complaint")
    services.report_follow_up(actor=cast.liaison, report=followed, text="Dikerjakan.")
    dispositioned(title="Usul taman", type="aspiration")
    assert _titles(_feed(client, status="in_progress")) == ["Ditangani"]
    assert _titles(_feed(client, status="dispositioned")) == ["Usul taman"]
    assert _titles(_feed(client, jenis="aspiration")) == ["Usul taman"]
    assert _titles(_feed(client, jenis="aspiration", status="in_progress")) == []


@pytest.mark.parametrize(
    "params",
    [
        {"provinsi": "99"},
        {"provinsi": "32.74.01"},
        {"kota": "32.99"},
        {"kota": "' OR 1=1 --"},
        {"kategori": "tidak.ada"},
        {"instansi": "<b>x</b>"},
        {"status": "archived"},
        {"status": "submitted"},
        {"jenis": "rumor"},
        {"sebelum": "kemarin"},
        {"sesudah": "1-2-3"},
        {"q": "x" * 500},
        {"q": "jalan\x00"},
    ],
)
def test_an_unusable_filter_is_explained_and_left_out(
    client: Client, make_report: Make, dispositioned: Make, params: dict[str, str]
) -> None:
    dispositioned(title="Tetap tampil")
    make_report(title="Belum diverifikasi")
    html = _feed(client, **params)
    assert 'role="alert"' in html
    assert _titles(html) == ["Tetap tampil"]
    assert "<b>x</b>" not in html


def test_an_empty_result_says_so_kindly(client: Client, dispositioned: Make) -> None:
    dispositioned(title="Jalan")
    html = _feed(client, jenis="information_request")
    assert _titles(html) == []
    assert "Belum ada laporan publik yang cocok" in html
    html = _feed(client, q="zzzqqq")
    assert "Tidak ada laporan publik yang cocok dengan “zzzqqq”" in html


def _link(html: str, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return match[1].replace("&amp;", "&") if match else None


def test_pages_go_back_in_time_and_forward_again(client: Client, bulk_reports: BulkReports) -> None:
    reports = bulk_reports(45, type="aspiration")
    titles = [f"Laporan {index}" for index in range(45)]
    for report, title in zip(reports, titles, strict=True):
        report.title = title
    Report.objects.bulk_update(reports, ["title"])

    first = _feed(client, jenis="aspiration")
    assert _titles(first) == titles[:20] and _link(first, "prev") is None
    second = client.get(_link(first, "next") or "").content.decode()
    assert _titles(second) == titles[20:40]
    third = client.get(_link(second, "next") or "").content.decode()
    assert _titles(third) == titles[40:] and _link(third, "next") is None
    assert "jenis=aspiration" in (_link(third, "prev") or "")  # filters carry over
    back = client.get(_link(third, "prev") or "").content.decode()
    assert _titles(back) == titles[20:40]
    top = client.get(_link(back, "prev") or "").content.decode()
    assert _titles(top) == titles[:20] and _link(top, "prev") is None


def test_reports_submitted_at_the_same_moment_are_neither_lost_nor_repeated(
    client: Client, bulk_reports: BulkReports
) -> None:
    moment = timezone.now()
    reports = bulk_reports(25)
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(submitted_at=moment)
    first = _feed(client)
    second = client.get(_link(first, "next") or "").content.decode()
    seen = re.findall(r'href="/laporan/(\d+)"', first) + re.findall(
        r'href="/laporan/(\d+)"', second
    )
    assert sorted(seen) == sorted(r.tracking_number for r in reports)


def test_a_page_is_one_query_for_reports_whatever_the_filters(
    client: Client, cast: Cast, bulk_reports: BulkReports, django_assert_max_num_queries: object
) -> None:
    bulk_reports(30, title="Jalan berlubang parah")
    params = {
        "q": "jalan",
        "provinsi": "32",
        "kota": "32.74",
        "kategori": "infrastruktur",
        "instansi": cast.kota.code,
        "status": "dispositioned",
        "jenis": "complaint",
    }
    # Cold: the reference lists (regions, categories, agencies) are read once; then
    # the page's reports, and their number (counted up to search.COUNT_LIMIT + 1).
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        first = _feed(client, **params)
    assert len(_titles(first)) == 20
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        client.get(_link(first, "next") or "")


def test_the_page_is_light_and_labelled(client: Client, bulk_reports: BulkReports) -> None:
    bulk_reports(20, title="Judul laporan yang cukup panjang untuk satu baris " * 2)
    html = _feed(client, provinsi="32")
    assert len(html.encode()) < 150_000
    assert html.count("<h1") == 1
    for name in ("q", "provinsi", "kota", "kategori", "instansi", "status", "jenis"):
        assert f'<label for="f-{name}">' in html and f'id="f-{name}"' in html
    assert "aduan/feed.css" in html
