"""Polling the service account's X streams: the fallback when the webhook is not
registered or missed something. Each pass reads what came after the newest id
already seen (kept in the database, so a restart goes on from there) and hands
every item to the same services as the webhook; one delivered both ways is
still acted on once.

- Mentions (``GET /2/users/:id/mentions``, the app's token): ``since_id``, and
  ``next_token`` through the pages.
- Direct messages (``GET /2/dm_events``, the account's user token): X offers no
  ``since_id`` there, so the pages are read newest first until the last id seen."""

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from aduan.channels.x.api import XApiError, x_get, x_path
from aduan.channels.x.models import PollCursor
from aduan.channels.x.parse import DirectMessage, Post, directs_from_events, posts_from_timeline
from aduan.channels.x.services import direct_receive, post_receive

logger = logging.getLogger("aduan.x")

PAGE_SIZE = 100
# Pages read in one pass at most: X keeps the latest 800 mentions reachable.
PAGES_MAX = 8

Stream = PollCursor.Stream


def x_poll(*, now: datetime | None = None) -> int:
    """One pass over both streams (direct messages only when the account's user
    token is set); returns how many items were read. Raises ``XApiError`` when X
    refuses (a rate limit: its ``reset_at`` says when to ask again)."""
    read = mentions_poll(now=now)
    if settings.X_USER_TOKEN:
        read += directs_poll(now=now)
    return read


def mentions_poll(*, now: datetime | None = None) -> int:
    account = settings.X_ACCOUNT_ID
    if not account or not settings.X_BEARER_TOKEN:
        raise XApiError("ADUAN_X_ACCOUNT_ID and ADUAN_X_BEARER_TOKEN are needed to poll")
    since = _since(account, Stream.MENTIONS)
    query = {
        "max_results": str(PAGE_SIZE),
        "expansions": "attachments.media_keys,author_id",
        "tweet.fields": "author_id,attachments,entities,referenced_tweets",
        "media.fields": "url,type",
        "user.fields": "username,name",
    }
    if since:
        query["since_id"] = since
    path = x_path("/2/users/{account}/mentions", account=account)
    posts: list[Post] = []
    newest = ""
    for page in _pages(path, query, token=settings.X_BEARER_TOKEN):
        newest = newest or str((page.get("meta") or {}).get("newest_id") or "")
        posts.extend(posts_from_timeline(page))
    # Oldest first, as they were written; the cursor moves only once all are in.
    for post in sorted(posts, key=lambda p: _order(p.post_id)):
        post_receive(post, now=now)
    _moved(account, Stream.MENTIONS, newest, now=now)
    logger.info("x: read %s mentions", len(posts))
    return len(posts)


def directs_poll(*, now: datetime | None = None) -> int:
    account = settings.X_ACCOUNT_ID
    if not account or not settings.X_USER_TOKEN:
        raise XApiError("ADUAN_X_ACCOUNT_ID and ADUAN_X_USER_TOKEN are needed to poll")
    since = _since(account, Stream.DIRECT)
    query = {
        "max_results": str(PAGE_SIZE),
        "event_types": "MessageCreate",
        "dm_event.fields": "id,event_type,text,sender_id,created_at",
        "expansions": "sender_id",
        "user.fields": "username,name",
    }
    directs: list[DirectMessage] = []
    for page in _pages("/2/dm_events", query, token=settings.X_USER_TOKEN):
        fresh = [d for d in directs_from_events(page) if _order(d.event_id) > _order(since)]
        directs.extend(fresh)
        ids = [str(item.get("id") or "") for item in page.get("data") or []]
        if since and any(_order(i) <= _order(since) for i in ids):
            break  # reached what an earlier pass read
    directs.sort(key=lambda d: _order(d.event_id))
    for direct in directs:
        direct_receive(direct, now=now)
    if directs:
        _moved(account, Stream.DIRECT, directs[-1].event_id, now=now)
    logger.info("x: read %s direct messages", len(directs))
    return len(directs)


def _pages(path: str, query: dict[str, str], *, token: str) -> Iterator[dict[str, Any]]:
    """The pages of a listing, following ``next_token`` (at most ``PAGES_MAX``)."""
    query = dict(query)
    for _page in range(PAGES_MAX):
        page = x_get(path, query=query, token=token)
        yield page
        next_token = str((page.get("meta") or {}).get("next_token") or "")
        if not next_token:
            return
        query["pagination_token"] = next_token


def _order(snowflake: str) -> tuple[int, str]:
    """X's ids in time order: longer is newer, then by digits."""
    return len(snowflake), snowflake


def _since(account: str, stream: str) -> str:
    cursor = PollCursor.objects.filter(account_id=account, stream=stream).first()
    return cursor.since_id if cursor is not None else ""


def _moved(account: str, stream: str, newest: str, *, now: datetime | None) -> None:
    if newest:
        PollCursor.objects.update_or_create(
            account_id=account,
            stream=stream,
            defaults={"since_id": newest, "polled_at": now or timezone.now()},
        )
