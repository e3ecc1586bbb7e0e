"""The demo staff find work in the back office: each demo login's list has reports."""

import pytest
from django.core.management import call_command

from aduan.accounts.models import User
from aduan.backoffice import selectors
from aduan.demo.desk import DESK, demo_desk_create
from aduan.reports.models import Report, State
from aduan.reports.policy import Actor

pytestmark = pytest.mark.django_db


def _actor(username: str) -> Actor:
    return Actor.for_user(User.objects.get(username=username), verified=True)


def test_every_demo_login_has_work_once(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo", "--reports", "1", "--no-progress")
    assert Report.objects.filter(reporter__user__username="warga").count() == len(DESK)
    assert "Demo staff's desks" in capsys.readouterr().out
    empty = selectors.CaseFilters()
    national, agency = _actor("nasional"), _actor("admin.kotacirebon")
    liaison, supervisor = _actor("pupr.kotacirebon"), _actor("pengawas.jabar")
    assert selectors.report_list_verification(actor=national, filters=empty).count() >= 2
    assert selectors.report_list_bounced(actor=national, filters=empty).count() == 1
    assert selectors.report_list_inbox(actor=agency, filters=empty).count() == 6
    assert selectors.report_list_inbox(actor=liaison, filters=empty).count() == 5
    overdue = selectors.report_list_overdue(actor=supervisor, filters=empty)
    page = selectors.case_page(overdue, actor=supervisor, page=1)
    assert len(page.rows) == 2 and sum(row.limited for row in page.rows) == 1
    assert all(row.remindable for row in page.rows)
    states = sorted(
        Report.objects.filter(reporter__user__username="warga").values_list("state", flat=True)
    )
    assert states.count(State.ANSWERED) == 1 and states.count(State.IN_PROGRESS) == 1
    # Again: nothing more.
    assert demo_desk_create() == 0
    call_command("seed_demo", "--reports", "1", "--no-progress")
    assert Report.objects.filter(reporter__user__username="warga").count() == len(DESK)
