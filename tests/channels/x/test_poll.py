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
from aduan.channels.x.media import photos_fetch_due
from aduan.channels.x.models import InboundPost, PollCursor
from aduan.channels.x.poll import directs_poll, mentions_poll, x_poll
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
    assert photos_fetch_due() == 1
    assert Attachment.objects.filter(report=kanoman).count() == 1
    assert Message.objects.filter(channel="x").count() == 2
    assert PollCursor.objects.get(account_id=ACCOUNT_ID).since_id == "1862500000000000003"


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
    assert PollCursor.objects.get().since_id == "1862500000000000009"


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
    assert not PollCursor.objects.exists()
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


# -- Direct messages -----------------------------------------------------------------

DM_EVENTS = "/2/dm_events"
SITI = {"id": "1234567890123456789", "username": "SitiWarga", "name": "Siti Warga"}


@pytest.fixture
def inbox(fake_x: FakeX) -> FakeX:
    fake_x.users = [SITI]
    fake_x.direct(sender_id=SITI["id"], text="LAPOR Jembatan kayu di Desa Sukamaju patah")
    fake_x.direct(sender_id=ACCOUNT_ID, text="Laporan Anda kami terima")  # the account's own
    fake_x.direct(sender_id=SITI["id"], text="INFO")
    fake_x.page_size = 2
    return fake_x


def test_it_reads_the_direct_messages_oldest_first(inbox: FakeX) -> None:
    assert directs_poll() == 3
    [first, second] = inbox.calls("GET", DM_EVENTS)
    assert first.headers["authorization"] == "Bearer user-token"  # the account's own token
    assert (
        first.query["event_types"] == "MessageCreate" and first.query["expansions"] == "sender_id"
    )
    assert second.query["pagination_token"] == "2"
    outcomes = list(InboundPost.objects.order_by("pk").values_list("kind", "outcome"))
    assert outcomes == [("direct", "report"), ("direct", "help")]
    newest = max(int(e["id"]) for e in inbox.directs)
    assert PollCursor.objects.get(stream="direct").since_id == str(newest)


def test_the_next_pass_reads_only_what_came_after(inbox: FakeX) -> None:
    directs_poll()
    inbox.requests.clear()
    assert directs_poll() == 0
    assert len(inbox.calls("GET", DM_EVENTS)) == 1  # the first page holds the last id seen
    inbox.direct(sender_id=SITI["id"], text="CEK 1234567894")
    assert directs_poll() == 1
    assert InboundPost.objects.order_by("-pk").values_list("outcome", flat=True)[0] == "refused"


def test_a_direct_message_from_the_webhook_and_from_polling_is_one(
    client: Client, inbox: FakeX
) -> None:
    [report_dm] = [e for e in inbox.directs if e["text"].startswith("LAPOR")]
    event = payload("activity_direct_message.json")
    event["direct_message_events"][0]["id"] = report_dm["id"]
    assert deliver(client, event).status_code == 200
    directs_poll()
    assert Report.objects.count() == 1
    assert InboundPost.objects.filter(kind="direct").count() == 2  # the report and INFO


def test_one_pass_reads_both_streams(timeline: FakeX) -> None:
    timeline.directs.clear()
    timeline.direct(sender_id=SITI["id"], text="INFO")
    timeline.users.append(SITI)
    assert x_poll() == 4
    assert set(PollCursor.objects.values_list("stream", flat=True)) == {"mentions", "direct"}


def test_without_the_user_token_only_mentions_are_polled(settings: Any, timeline: FakeX) -> None:
    settings.X_USER_TOKEN = ""
    assert x_poll() == 3
    assert timeline.calls("GET", DM_EVENTS) == []
