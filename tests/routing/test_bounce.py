"""Routing learns from a bounce (issue 19): an agency that said "bukan wewenang"
is not proposed again for that report; the next candidate is an agency the reason
names, the table's next rule, or the supervising government. National admins see
the rules bounced most."""

import pytest
from django.test import Client

from aduan.accounts.models import User
from aduan.agencies.models import Agency
from aduan.reports import services
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from aduan.routing.models import RoutingRule
from aduan.routing.selectors import (
    agency_named_in,
    report_bounces,
    report_routing_suggest,
    routing_rules_bounced,
)
from tests.conftest import verified_client
from tests.reports.conftest import Cast, MakeReport, cast, make_report

__all__ = ["cast", "make_report"]

pytestmark = pytest.mark.django_db


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def _dispose_and_bounce(
    cast: Cast, report: Report, reason: str, agency: Agency | None = None
) -> None:
    """Disposed (to the suggestion unless ``agency``), then bounced by that agency."""
    target = agency or cast.kota
    services.report_dispose(actor=cast.national, report=report, agency_id=target.pk)
    report.refresh_from_db()
    bouncer = cast.agency_admin if target == cast.kota else cast.other_agency_admin
    services.report_bounce(actor=bouncer, report=report, reason=reason)
    report.refresh_from_db()


def test_a_bounced_agency_is_not_proposed_again_the_province_is(
    cast: Cast, make_report: MakeReport
) -> None:
    report = make_report()  # a road in Kota Cirebon
    before = report_routing_suggest(report=report)
    assert before is not None and before.agency == cast.kota and before.basis == "rule"
    _dispose_and_bounce(cast, report, "Ruas ini jalan provinsi, bukan jalan kota.")
    assert report_bounces(report)[0].agency_id == cast.kota.pk
    after = report_routing_suggest(report=report)
    assert after is not None
    assert after.agency == _agency("pemda-32")  # Pemerintah Provinsi Jawa Barat
    assert after.basis == "supervisor" and after.rule is None


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("Ini gangguan listrik, wewenang PLN.", "pln"),
        ("Lokasi masuk wilayah Kabupaten Cirebon, bukan Kota Cirebon.", "pemda-32-09"),
        ("Silakan ke pemkab cirebon", "pemda-32-09"),
        ("Jalan nasional: urusan Kementerian Pekerjaan Umum.", "kemenpu"),
    ],
)
def test_an_agency_the_reason_names_is_proposed(
    cast: Cast, make_report: MakeReport, reason: str, code: str
) -> None:
    report = make_report()
    _dispose_and_bounce(cast, report, reason)
    after = report_routing_suggest(report=report)
    assert after is not None
    assert (after.agency.code, after.basis) == (code, "reason")


def test_the_reason_naming_only_the_bouncer_changes_nothing_of_that(
    cast: Cast, make_report: MakeReport
) -> None:
    report = make_report()
    _dispose_and_bounce(cast, report, "Pemerintah Kota Cirebon tidak berwenang di sini.")
    after = report_routing_suggest(report=report)
    assert after is not None and after.agency != cast.kota
    assert after.basis == "supervisor"


def test_after_the_province_bounces_too_nothing_is_left_to_propose(
    cast: Cast, make_report: MakeReport
) -> None:
    report = make_report()
    _dispose_and_bounce(cast, report, "Bukan jalan kota.")
    province = _agency("pemda-32")
    services.report_dispose(actor=cast.national, report=report, agency_id=province.pk)
    report.refresh_from_db()
    admin = User.objects.create(username="admin.jabar", role="agency_admin", agency=province)
    services.report_bounce(
        actor=Actor.for_user(admin, verified=True), report=report, reason="Bukan jalan provinsi."
    )
    report.refresh_from_db()
    assert [b.agency_id for b in report_bounces(report)] == [cast.kota.pk, province.pk]
    assert report_routing_suggest(report=report) is None


def test_a_bounce_from_an_agency_the_admin_chose_leaves_the_table_suggestion(
    cast: Cast, make_report: MakeReport
) -> None:
    report = make_report()
    _dispose_and_bounce(cast, report, "Bukan wilayah kami.", agency=cast.kabupaten)
    after = report_routing_suggest(report=report)
    assert after is not None and after.agency == cast.kota and after.basis == "rule"


def test_agency_names_in_a_text() -> None:
    assert agency_named_in("tidak ada nama instansi di sini") is None
    assert agency_named_in("wewenang BPJS Kesehatan") == _agency("bpjs_kesehatan")
    # "Cirebon" alone names no one (a city and a regency share it).
    assert agency_named_in("ini urusan Cirebon") is None
    pln = _agency("pln")
    assert agency_named_in("urusan PLN", excluded={pln.pk}) is None


def test_the_rules_bounced_most(cast: Cast, make_report: MakeReport) -> None:
    assert routing_rules_bounced() == []
    for _ in range(2):
        _dispose_and_bounce(cast, make_report(), "Jalan provinsi.")
    # Disposed against the table: counts against no rule.
    _dispose_and_bounce(cast, make_report(), "Bukan kami.", agency=cast.kabupaten)
    rows = routing_rules_bounced()
    assert len(rows) == 1
    rule = rows[0].rule
    assert (rule.category.code, rows[0].agency, rows[0].bounces) == (
        "infrastruktur",
        cast.kota,
        2,
    )


def test_the_routing_rules_admin_shows_them(cast: Cast, make_report: MakeReport) -> None:
    _dispose_and_bounce(cast, make_report(), "Jalan provinsi.")
    user = cast.national.user
    assert user is not None
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client: Client = verified_client(user)
    page = client.get("/admin/routing/routingrule/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Aturan rute yang paling sering dikembalikan" in html
    rule = RoutingRule.objects.get(pk=routing_rules_bounced()[0].rule.pk)
    assert f"/admin/routing/routingrule/{rule.pk}/change/" in html
    assert "Pemerintah Kota Cirebon" in html
