from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.lib.errors import InvalidInput, NotFound
from aduan.reports import selectors, services
from aduan.reports.models import Report
from aduan.reports.policy import PUBLIC, View
from aduan.reports.tracking import check_digit

from .conftest import Cast


def test_the_public_feed_holds_only_verified_non_confidential_reports(
    cast: Cast, make_report: Callable[..., Report], dispositioned: Callable[..., Report]
) -> None:
    public = dispositioned()
    dispositioned(confidential=True)
    make_report()  # not verified yet
    archived = make_report()
    services.report_archive(actor=cast.national, report=archived, reason="spam")
    assert list(selectors.report_list_public()) == [public]


def test_a_mistyped_number_is_refused_without_asking_the_database(
    cast: Cast, make_report: Callable[..., Report], django_assert_num_queries: object
) -> None:
    number = make_report().tracking_number
    typo = number[:3] + str((int(number[3]) + 1) % 10) + number[4:]
    with django_assert_num_queries(0), pytest.raises(InvalidInput):  # type: ignore[operator]
        selectors.report_get(actor=cast.owner, tracking_number=typo)


def test_by_number_each_sees_what_the_policy_allows(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    secret = dispositioned(confidential=True)
    number = secret.tracking_number
    assert selectors.report_get(actor=cast.owner, tracking_number=number)[1] == View.FULL
    assert selectors.report_get(actor=cast.agency_admin, tracking_number=number)[1] == View.FULL
    assert selectors.report_get(actor=cast.supervisor, tracking_number=number)[1] == View.LIMITED
    for outsider in (PUBLIC, cast.other_citizen, cast.other_agency_admin, cast.other_supervisor):
        with pytest.raises(NotFound):
            selectors.report_get(actor=outsider, tracking_number=number)
    # A valid number that belongs to no report reads the same as a hidden one.
    with pytest.raises(NotFound):
        selectors.report_get(
            actor=cast.owner, tracking_number="123456789" + check_digit("123456789")
        )


def test_inboxes(
    cast: Cast, make_report: Callable[..., Report], dispositioned: Callable[..., Report]
) -> None:
    waiting = make_report()
    with_pupr = dispositioned()
    with_dishub = dispositioned()
    services.report_assign(actor=cast.agency_admin, report=with_dishub, unit_id=cast.dishub.pk)
    assert list(selectors.report_list_inbox(actor=cast.national)) == [waiting]
    assert set(selectors.report_list_inbox(actor=cast.agency_admin)) == {with_pupr, with_dishub}
    assert list(selectors.report_list_inbox(actor=cast.liaison)) == [with_pupr]
    assert list(selectors.report_list_inbox(actor=cast.other_agency_admin)) == []
    assert list(selectors.report_list_inbox(actor=cast.owner)) == []


def test_overdue_and_escalated_lists_follow_the_supervisor_scope(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    long_ago = timezone.now() - timedelta(days=60)
    late = dispositioned(now=long_ago)
    late_secret = dispositioned(now=long_ago, confidential=True)
    dispositioned()  # on time
    now = timezone.now()
    assert set(selectors.report_list_overdue(actor=cast.supervisor, now=now)) == {late, late_secret}
    assert set(selectors.report_list_escalated(actor=cast.supervisor, now=now)) == {
        late,
        late_secret,
    }
    assert list(selectors.report_list_overdue(actor=cast.other_supervisor, now=now)) == []
    assert set(selectors.report_list_overdue(actor=cast.national, now=now)) == {late, late_secret}
    assert {r.pk for r in selectors.reports_due(now=now)} == {late.pk, late_secret.pk}


def test_internal_notes_stay_with_the_staff(
    cast: Cast, dispositioned: Callable[..., Report]
) -> None:
    report = dispositioned()
    services.report_note(actor=cast.liaison, report=report, text="Anggaran belum turun.")
    staff = [e.action for e in selectors.report_timeline(actor=cast.agency_admin, report=report)]
    owner = [e.action for e in selectors.report_timeline(actor=cast.owner, report=report)]
    public = [e.action for e in selectors.report_timeline(actor=PUBLIC, report=report)]
    assert "note" in staff and "note" not in owner and "note" not in public


def test_lists_run_a_fixed_number_of_queries(
    cast: Cast, dispositioned: Callable[..., Report], django_assert_num_queries: object
) -> None:
    for _ in range(5):
        dispositioned()
    with django_assert_num_queries(1):  # type: ignore[operator]
        reports = list(selectors.report_list_inbox(actor=cast.agency_admin))
        assert [r.agency.region.name for r in reports if r.agency and r.agency.region]
