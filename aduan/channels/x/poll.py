"""Polling the service account's mentions (``GET /2/users/:id/mentions``): the
fallback when the webhook is not registered or missed something. Each pass asks
for what came after the newest post already seen (``since_id``, kept in the
database so a restart goes on from there), follows ``next_token`` through the
pages, and hands every post to the same ``post_receive`` as the webhook; a post
both delivered is still one report."""

import logging
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from aduan.channels.x.api import XApiError, x_get, x_path
from aduan.channels.x.models import MentionsCursor
from aduan.channels.x.parse import Post, posts_from_timeline
from aduan.channels.x.services import post_receive

logger = logging.getLogger("aduan.x")

PAGE_SIZE = 100
# Pages read in one pass at most: X keeps the latest 800 mentions reachable.
PAGES_MAX = 8


def mentions_poll(*, now: datetime | None = None) -> int:
    """One pass; returns how many posts were read. Raises ``XApiError`` when X
    refuses (a rate limit: its ``reset_at`` says when to ask again)."""
    account = settings.X_ACCOUNT_ID
    if not account or not settings.X_BEARER_TOKEN:
        raise XApiError("ADUAN_X_ACCOUNT_ID and ADUAN_X_BEARER_TOKEN are needed to poll")
    cursor = MentionsCursor.objects.filter(account_id=account).first()
    posts, newest = _read(account, since_id=cursor.since_id if cursor else "")
    # Oldest first, as they were written; the cursor moves only once all are in.
    for post in sorted(posts, key=lambda p: (len(p.post_id), p.post_id)):
        post_receive(post, now=now)
    if newest:
        MentionsCursor.objects.update_or_create(
            account_id=account,
            defaults={"since_id": newest, "polled_at": now or timezone.now()},
        )
    logger.info("x: read %s mentions", len(posts))
    return len(posts)


def _read(account: str, *, since_id: str) -> tuple[list[Post], str]:
    query = {
        "max_results": str(PAGE_SIZE),
        "expansions": "attachments.media_keys,author_id",
        "tweet.fields": "author_id,attachments,entities,referenced_tweets",
        "media.fields": "url,type",
        "user.fields": "username,name",
    }
    if since_id:
        query["since_id"] = since_id
    path = x_path("/2/users/{account}/mentions", account=account)
    posts: list[Post] = []
    newest = ""
    for _page in range(PAGES_MAX):
        page = x_get(path, query=query, token=settings.X_BEARER_TOKEN)
        meta = page.get("meta") or {}
        newest = newest or str(meta.get("newest_id") or "")
        posts.extend(posts_from_timeline(page))
        token = str(meta.get("next_token") or "")
        if not token:
            break
        query["pagination_token"] = token
    return posts, newest
