"""A citizen's posts to the service account are part of their data export."""

import pytest
from django.test import Client

from aduan.accounts.export import sections
from aduan.accounts.models import User
from aduan.reporters.models import Reporter
from aduan.reports.models import Report
from tests.channels.x.conftest import payload
from tests.channels.x.fake_x import FakeX
from tests.channels.x.test_webhook import deliver
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def test_a_citizens_x_posts_are_in_their_export(client: Client, fake_x: FakeX, cast: Cast) -> None:
    deliver(client, payload("activity_report.json", fake_x))
    report = Report.objects.get()
    # The citizen has claimed the X identity's reporter with their account.
    siti = User.objects.create(username="siti", role="citizen")
    Reporter.objects.filter(pk=report.reporter_id).update(user=siti)
    rows = sections()["x"](siti)
    assert rows == [
        {
            "received_at": rows[0]["received_at"],
            "post_id": "1862400000000000001",
            "kind": "post",
            "outcome": "report",
            "report": report.tracking_number,
        }
    ]
    assert sections()["x"](User.objects.get(username="budi")) == []


def test_a_citizens_direct_messages_are_in_their_export(
    client: Client, fake_x: FakeX, cast: Cast
) -> None:
    deliver(client, payload("activity_report.json", fake_x))
    direct = payload("activity_direct_message.json")
    direct["direct_message_events"][0]["message_create"]["message_data"]["text"] = "INFO"
    deliver(client, direct)
    siti = User.objects.create(username="siti", role="citizen")
    Reporter.objects.filter(pk=Report.objects.get().reporter_id).update(user=siti)
    rows = sections()["x"](siti)
    assert [(r["kind"], r["outcome"]) for r in rows] == [("post", "report"), ("direct", "help")]
