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
    # The post this one answers, when it is a reply in a thread.
    in_reply_to: str = ""


@dataclass(frozen=True, slots=True)
class DirectMessage:
    """A direct message to the service account: its event id, its sender's id and
    handle, and its text."""

    event_id: str
    sender_id: str
    handle: str
    text: str
    name: str = ""


def _tag(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w#@]){re.escape(word)}(?!\w)", re.IGNORECASE)


_HASHTAG = _tag(f"#{HASHTAG}")
_SPACES = re.compile(r"\s+")


def post_addressed(post: Post, *, account_id: str, account_handle: str) -> bool:
    """Whether the post speaks to the service: it mentions the account, and is by
    someone other than the account, and is not a repost."""
    handle = account_handle.lower()
    if post.repost or not post.post_id or not post.author_id:
        return False
    if post.author_id == account_id or post.handle.lower() == handle:
        return False
    return handle in post.mentions or bool(_tag(f"@{handle}").search(post.text))


def post_counts(post: Post, *, account_id: str, account_handle: str) -> bool:
    """Whether the post is a new report for the service: addressed to it, with
    ``#LAPOR`` (any case)."""
    addressed = post_addressed(post, account_id=account_id, account_handle=account_handle)
    return addressed and bool(_HASHTAG.search(post.text))


def post_report_text(post: Post, *, account_handle: str) -> str:
    """The complaint in the post: its text without ``#LAPOR``, the mention of the
    service account and the links X added for the photos."""
    text = html.unescape(post.text)  # X escapes &, < and > in post texts
    for link in post.media_links:
        text = text.replace(link, " ")
    text = _HASHTAG.sub(" ", text)
    text = _tag(f"@{account_handle}").sub(" ", text)
    return _SPACES.sub(" ", text).strip()


_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s*)+")


def post_words(post: Post, *, account_handle: str) -> str:
    """What a reply in a thread says: its text as for a report, without the
    handles X puts in front of a reply (everyone in the thread)."""
    return _LEADING_MENTIONS.sub("", post_report_text(post, account_handle=account_handle))


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
    referenced = [r for r in item.get("referenced_tweets") or [] if isinstance(r, dict)]
    reposted = any(r.get("type") == "retweeted" for r in referenced)
    answered = next(
        (str(r.get("id") or "") for r in referenced if r.get("type") == "replied_to"), ""
    )
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
        in_reply_to=answered,
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
        in_reply_to=str(item.get("in_reply_to_status_id_str") or ""),
    )


# -- Direct messages: Account Activity and GET /2/dm_events -------------------------------


def directs_from_activity(event: Mapping[str, Any]) -> Iterator[DirectMessage]:
    """The direct messages of one Account Activity delivery
    (``direct_message_events`` of type ``message_create``, with the senders in
    ``users``), the service account's own among them."""
    users = event.get("users")
    users = users if isinstance(users, dict) else {}
    for item in event.get("direct_message_events") or []:
        if not isinstance(item, dict) or item.get("type") != "message_create":
            continue
        create = item.get("message_create") or {}
        sender_id = str(create.get("sender_id") or "")
        user = users.get(sender_id) or {}
        yield DirectMessage(
            event_id=str(item.get("id") or ""),
            sender_id=sender_id,
            handle=str(user.get("screen_name") or ""),
            name=str(user.get("name") or ""),
            text=str((create.get("message_data") or {}).get("text") or ""),
        )


def directs_from_events(page: Mapping[str, Any]) -> Iterator[DirectMessage]:
    """The messages of one page of ``GET /2/dm_events`` (with the ``sender_id``
    expansion), newest first as X lists them; joins and leaves are skipped."""
    users = {
        str(u.get("id")): u
        for u in (page.get("includes") or {}).get("users") or []
        if isinstance(u, dict)
    }
    for item in page.get("data") or []:
        if not isinstance(item, dict) or item.get("event_type") != "MessageCreate":
            continue
        sender_id = str(item.get("sender_id") or "")
        user = users.get(sender_id, {})
        yield DirectMessage(
            event_id=str(item.get("id") or ""),
            sender_id=sender_id,
            handle=str(user.get("username") or ""),
            name=str(user.get("name") or ""),
            text=str(item.get("text") or ""),
        )
