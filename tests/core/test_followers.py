"""What follows a report's events is declared by the packages that keep something in
step with them (core/followers.py): the statistics' queue and the agencies'
webhooks, called in the event's transaction by the reports' services."""

from aduan.core.followers import report_followers
from aduan.integrations.webhooks import webhooks_follow
from aduan.stats.services import stats_follow


def test_the_statistics_and_the_webhooks_follow_the_reports() -> None:
    assert set(report_followers()) == {stats_follow, webhooks_follow}
