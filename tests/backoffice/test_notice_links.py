"""Every link a notice carries opens for the one it is sent to: an escalated
confidential report's supervisor lands on their escalation list (the case page is
not theirs to open), and a merged duplicate's reporter is sent to the report that
goes on."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from aduan.accounts.models import User
from aduan.outbox.models import Message
from aduan.reports import services
from aduan.reports.models import Report
from aduan.reports.sweeps import deadlines_sweep
from aduan.reports.tracking import tracking_number_display
from tests.backoffice.conftest import StaffClient, client_of
from tests.reports.conftest import Cast, MakeReport

pytestmark = pytest.mark.django_db


def _link(message: Message) -> str:
    """The message's link, as a path of this site."""
    found = re.search(re.escape(settings.SITE_URL) + r"(/\S*)", message.body)
    assert found, message.body
    return found.group(1)


def _in_app(user: User) -> Message:
    """The escalation notice in the user's back-office notices."""
    notices = Message.objects.filter(purpose="escalated", channel=Message.Channel.WEB)
    (notice,) = [m for m in notices if m.recipient == str(user.pk)]
    return notice


@pytest.mark.parametrize("confidential", [True, False])
def test_an_escalation_notice_links_to_a_page_its_recipient_opens(
    cast: Cast,
    staff_client: StaffClient,
    dispositioned: Callable[..., Report],
    confidential: bool,
) -> None:
    report = dispositioned(now=timezone.now() - timedelta(days=40), confidential=confidential)
    assert report.escalate_at is not None
    while deadlines_sweep(now=report.escalate_at + timedelta(minutes=1)):
        pass
    number = tracking_number_display(report.tracking_number)
    for actor in (cast.supervisor, cast.national):
        assert actor.user is not None
        path = _link(_in_app(actor.user))
        page = client_of(staff_client, actor).get(path)
        assert page.status_code == 200, (actor.role, path)
        assert number in page.content.decode() or report.tracking_number in path
    assert cast.supervisor.user is not None
    supervisor_link = _link(_in_app(cast.supervisor.user))
    if confidential:
        # Seen only by number, state and deadline: the escalation list, which shows it.
        assert supervisor_link == "/kantor/eskalasi"
        listed = client_of(staff_client, cast.supervisor).get(supervisor_link).content.decode()
        assert f"/kantor/laporan/{report.tracking_number}" in listed or number in listed
        assert "Lubang besar" not in listed  # nothing of its content
    else:
        assert supervisor_link == f"/kantor/laporan/{report.tracking_number}"
    # The handling agency is named to whoever the policy shows it: never to a
    # supervisor who sees a confidential report by number and deadline only.
    assert report.agency is not None and cast.national.user is not None
    assert report.agency.name in _in_app(cast.national.user).body
    assert (report.agency.name in _in_app(cast.supervisor.user).body) is not confidential


def test_a_merge_notice_links_to_the_report_that_goes_on(
    cast: Cast, make_report: MakeReport
) -> None:
    User.objects.filter(username="ani").update(email="ani@example.id")
    cast.reporter.user.email = "ani@example.id"  # type: ignore[union-attr]
    original, duplicate = make_report(), make_report()
    services.report_archive(
        actor=cast.national,
        report=duplicate,
        reason="duplicate",
        duplicate_of=original.tracking_number,
    )
    merged = Message.objects.get(report=duplicate, purpose="merged", channel="email")
    assert _link(merged) == f"/laporan/{original.tracking_number}"
