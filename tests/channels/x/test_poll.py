"""Polling the mentions timeline (the webhook's fallback): every page read through
``next_token``, the newest id kept so the next pass (and a restarted poller) asks
``since_id`` only for newer posts, the same post from both doors one report, and a
rate limit stopping the pass without moving the cursor."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from aduan.channels.x.api import XApiError
from aduan.channels.x.models import InboundPost, MentionsCursor
from aduan.channels.x.poll import mentions_poll
from aduan.outbox.models import Message
from aduan.reports.models import Attachment, Report
from tests.channels.x.conftest import ACCOUNT_ID, payload
from tests.channels.x.fake_x import FakeX
from tests.channels.x.test_webhook import deliver

pytestmark = pytest.mark.django_db

MENTIONS = f"/2/users/{ACCOUNT_ID}/mentions"


@pytest.fixture
def timeline(fake_x: FakeX) -> FakeX:
    page = payload("mentions_timeline.json", fake_x)
    fake_x.posts = page["data"]
    fake_x.users = page["includes"]["users"]
    fake_x.media = page["includes"]["media"]
    fake_x.page_size = 1  # one post a page: three pages
    return fake_x


def test_it_reads_every_page_and_makes_the_reports(timeline: FakeX) -> None:
    assert mentions_poll() == 3
    calls = timeline.calls("GET", MENTIONS)
    assert [c.query.get("pagination_token") for c in calls] == [None, "1", "2"]
    first = calls[0]
    assert first.headers["authorization"] == "Bearer app-token"
    assert first.query["expansions"] == "attachments.media_keys,author_id"
    assert first.query["media.fields"] == "url,type"
    assert "username" in first.query["user.fields"]
    assert "since_id" not in first.query
    # Two of the three are #LAPOR posts; the question is not a report.
    assert Report.objects.count() == 2
    assert set(InboundPost.objects.values_list("post_id", flat=True)) == {
        "1862500000000000001",
        "1862500000000000003",
    }
    kanoman = InboundPost.objects.get(post_id="1862500000000000003").report
    assert kanoman is not None
    assert kanoman.body == "Sampah menumpuk di pasar Kanoman sudah seminggu"
    assert Attachment.objects.filter(report=kanoman).count() == 1
    assert Message.objects.filter(channel="x").count() == 2
    assert MentionsCursor.objects.get(account_id=ACCOUNT_ID).since_id == "1862500000000000003"


def test_the_next_pass_asks_only_for_newer_posts(timeline: FakeX) -> None:
    mentions_poll()
    timeline.requests.clear()
    assert mentions_poll() == 0
    [call] = timeline.calls("GET", MENTIONS)
    assert call.query["since_id"] == "1862500000000000003"
    newer = dict(timeline.posts[0], id="1862500000000000009", text="#LAPOR Got mampet @lapor1708")
    newer.pop("attachments")
    newer.pop("entities")
    timeline.posts.append(newer)
    assert mentions_poll() == 1
    assert Report.objects.count() == 3
    assert MentionsCursor.objects.get().since_id == "1862500000000000009"


def test_a_post_from_the_webhook_and_the_timeline_is_one_report(
    client: Client, timeline: FakeX
) -> None:
    event = payload("activity_report.json", timeline)
    # The same post in the timeline's shape.
    timeline.posts = [
        {
            "id": "1862400000000000001",
            "text": event["tweet_create_events"][0]["text"],
            "author_id": "1234567890123456789",
        }
    ]
    timeline.users = [{"id": "1234567890123456789", "name": "Siti Warga", "username": "SitiWarga"}]
    deliver(client, event)
    mentions_poll()
    assert Report.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_rate_limit_stops_the_pass_and_keeps_the_cursor(timeline: FakeX) -> None:
    timeline.rate_limited_until = 1796000000
    with pytest.raises(XApiError) as caught:
        mentions_poll()
    assert caught.value.status == 429
    assert (
        caught.value.reset_at is not None and int(caught.value.reset_at.timestamp()) == 1796000000
    )
    assert not MentionsCursor.objects.exists()
    assert not Report.objects.exists()


def test_the_command_polls_once(timeline: FakeX) -> None:
    out = StringIO()
    call_command("poll_x", "--once", stdout=out)
    assert out.getvalue().strip() == "3 read"
    assert Report.objects.count() == 2


def test_the_command_says_what_is_missing(settings: Any) -> None:
    settings.X_BEARER_TOKEN = ""
    with pytest.raises(CommandError, match="ADUAN_X_BEARER_TOKEN"):
        call_command("poll_x", "--once")
