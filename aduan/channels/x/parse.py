"""Reading posts to the service account (DESIGN.md §6): X hands them over in two
shapes — the API v2 mentions timeline (``data`` + ``includes``) and the Account
Activity webhook's ``tweet_create_events`` (the older v1.1 tweet object) — and both
become one ``Post``. Which posts count is decided here too: ``#LAPOR`` and a
mention of the service account, never the account's own posts (its replies
mention the reporter and would come back in the timeline) nor a repost (the
reporter is whoever wrote the original)."""

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

HASHTAG = "lapor"


@dataclass(frozen=True, slots=True)
class Post:
    """A post as read from X: its id (what a reply threads on), its author's
    numeric id (what a direct message goes to) and handle (the channel identity),
    the raw text, and the URLs of its attached photos."""

    post_id: str
    author_id: str
    handle: str
    text: str
    name: str = ""
    photo_urls: tuple[str, ...] = ()
    # Accounts the post mentions (lower-case handles), as X itemised them.
    mentions: frozenset[str] = field(default_factory=frozenset)
    # Links X added to the text for the attached media (shortened t.co links).
    media_links: tuple[str, ...] = ()
    repost: bool = False


def _tag(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w#@]){re.escape(word)}(?!\w)", re.IGNORECASE)


_HASHTAG = _tag(f"#{HASHTAG}")
_SPACES = re.compile(r"\s+")


def post_counts(post: Post, *, account_id: str, account_handle: str) -> bool:
    """Whether the post is a report for the service: ``#LAPOR`` (any case) and a
    mention of the account, by someone other than the account, not a repost."""
    handle = account_handle.lower()
    if post.repost or not post.post_id or not post.author_id:
        return False
    if post.author_id == account_id or post.handle.lower() == handle:
        return False
    mentioned = handle in post.mentions or bool(_tag(f"@{handle}").search(post.text))
    return mentioned and bool(_HASHTAG.search(post.text))


def post_report_text(post: Post, *, account_handle: str) -> str:
    """The complaint in the post: its text without ``#LAPOR``, the mention of the
    service account and the links X added for the photos."""
    text = html.unescape(post.text)  # X escapes &, < and > in post texts
    for link in post.media_links:
        text = text.replace(link, " ")
    text = _HASHTAG.sub(" ", text)
    text = _tag(f"@{account_handle}").sub(" ", text)
    return _SPACES.sub(" ", text).strip()


# -- API v2: the mentions timeline -------------------------------------------------------


def posts_from_timeline(page: Mapping[str, Any]) -> Iterator[Post]:
    """The posts of one page of ``GET /2/users/:id/mentions`` (with the expansions
    ``author_id`` and ``attachments.media_keys``), in the page's order."""
    includes = page.get("includes") or {}
    users = {str(u.get("id")): u for u in includes.get("users") or [] if isinstance(u, dict)}
    media = {str(m.get("media_key")): m for m in includes.get("media") or [] if isinstance(m, dict)}
    for item in page.get("data") or []:
        if isinstance(item, dict):
            yield _post_v2(item, users=users, media=media)


def _post_v2(
    item: Mapping[str, Any],
    *,
    users: Mapping[str, Mapping[str, Any]],
    media: Mapping[str, Mapping[str, Any]],
) -> Post:
    author_id = str(item.get("author_id") or "")
    author = users.get(author_id, {})
    keys = (item.get("attachments") or {}).get("media_keys") or []
    photos = tuple(
        str(media[key]["url"])
        for key in keys
        if key in media and media[key].get("type") == "photo" and media[key].get("url")
    )
    entities = item.get("entities") or {}
    mentions = frozenset(str(m.get("username", "")).lower() for m in entities.get("mentions") or [])
    links = tuple(
        str(u["url"]) for u in entities.get("urls") or [] if u.get("media_key") and u.get("url")
    )
    reposted = any(r.get("type") == "retweeted" for r in item.get("referenced_tweets") or [])
    return Post(
        post_id=str(item.get("id") or ""),
        author_id=author_id,
        handle=str(author.get("username") or ""),
        name=str(author.get("name") or ""),
        text=str(item.get("text") or ""),
        photo_urls=photos,
        mentions=mentions,
        media_links=links,
        repost=reposted,
    )


# -- Account Activity: tweet_create_events -------------------------------------------------


def posts_from_activity(event: Mapping[str, Any]) -> Iterator[Post]:
    """The posts of one Account Activity delivery (``tweet_create_events``; the
    other events — likes, follows, direct messages — are not reports)."""
    for item in event.get("tweet_create_events") or []:
        if isinstance(item, dict):
            yield _post_v1(item)


def _post_v1(item: Mapping[str, Any]) -> Post:
    # A long post keeps its whole text and entities under "extended_tweet".
    extended = item.get("extended_tweet") or {}
    text = extended.get("full_text") or item.get("full_text") or item.get("text") or ""
    entities = extended.get("entities") or item.get("entities") or {}
    attached = (extended.get("extended_entities") or item.get("extended_entities") or {}).get(
        "media"
    ) or []
    user = item.get("user") or {}
    return Post(
        post_id=str(item.get("id_str") or ""),
        author_id=str(user.get("id_str") or ""),
        handle=str(user.get("screen_name") or ""),
        name=str(user.get("name") or ""),
        text=str(text),
        photo_urls=tuple(
            str(m["media_url_https"])
            for m in attached
            if m.get("type") == "photo" and m.get("media_url_https")
        ),
        mentions=frozenset(
            str(m.get("screen_name", "")).lower() for m in entities.get("user_mentions") or []
        ),
        media_links=tuple(sorted({str(m["url"]) for m in attached if m.get("url")})),
        repost="retweeted_status" in item,
    )
