"""Messages to X reporters through the X API v2, as the service account (its
user token, ``X_USER_TOKEN``).

What is public and what is not:
- The channel's own answer to a new report's post (``x_receipt``: the tracking
  number and a link only, worded alike for every report) is a reply in the post's
  thread.
- An answer to a post that asked something (``x_answer``) goes in that post's
  thread when its report is public anyway (neither confidential nor anonymous:
  its page shows the same), and otherwise — a confidential report, or no report
  at all — by direct message. An answer to a direct message is one.
- The notices of progress follow the report's own post in its thread when the
  report is public, and go by direct message when it is not.
Direct messages go to the author's numeric X id, the one kept with what they
sent: a handle can change hands, the id cannot."""

from django.conf import settings

from aduan.channels.x.api import XApiError, x_path, x_post
from aduan.channels.x.models import InboundPost
from aduan.channels.x.services import PURPOSE_RECEIPT
from aduan.lib import crypto
from aduan.lib.contacts import normalize_x_handle
from aduan.lib.errors import InvalidInput
from aduan.outbox.models import Message
from aduan.outbox.transports import TransportError
from aduan.reporters.models import ChannelIdentity
from aduan.reports.models import Report

POST_MAX_CHARS = 280


class XTransport:
    def send(self, message: Message) -> str:
        # What the message answers, if it is an answer; else the report's own post.
        answered = InboundPost.objects.filter(answer=message).first()
        inbound = answered if answered is not None else _post_of(message)
        try:
            if (
                inbound is not None
                and inbound.kind == InboundPost.Kind.POST
                and (message.purpose == PURPOSE_RECEIPT or _in_public(message))
            ):
                return self._reply(inbound.post_id, message.body)
            author_id = inbound.author_id if inbound is not None else _author_of(message)
            if not author_id:
                raise TransportError("no X user id known for this recipient", permanent=True)
            return self._direct(author_id, message.body)
        except XApiError as error:
            raise TransportError(str(error), permanent=error.permanent) from None

    def _reply(self, post_id: str, body: str) -> str:
        answer = x_post(
            "/2/tweets",
            body={"text": _fitted(body), "reply": {"in_reply_to_tweet_id": post_id}},
            token=settings.X_USER_TOKEN,
        )
        return str((answer.get("data") or {}).get("id") or "")

    def _direct(self, author_id: str, body: str) -> str:
        answer = x_post(
            x_path("/2/dm_conversations/with/{participant}/messages", participant=author_id),
            body={"text": body},
            token=settings.X_USER_TOKEN,
        )
        return str((answer.get("data") or {}).get("dm_event_id") or "")


def _in_public(message: Message) -> bool:
    """Progress on a report goes in the public thread of the post it came from —
    the post is public, and so is the report's page — unless the report is
    confidential or anonymous: then by direct message, never in public."""
    if message.report_id is None:
        return False
    return Report.objects.filter(
        pk=message.report_id, is_confidential=False, is_anonymous=False
    ).exists()


def _fitted(body: str) -> str:
    """A post's text within X's limit, cut at a word ("..." in place of the rest:
    the report's page has it whole)."""
    if len(body) <= POST_MAX_CHARS:
        return body
    return body[: POST_MAX_CHARS - 3].rsplit(" ", 1)[0] + "..."


def _post_of(message: Message) -> InboundPost | None:
    """The reporter's post that the message's report came from, if it came by X."""
    if message.report_id is None:
        return None
    return (
        InboundPost.objects.filter(
            report_id=message.report_id,
            kind=InboundPost.Kind.POST,
            outcome=InboundPost.Outcome.REPORT,
        )
        .order_by("pk")
        .first()
    )


def _author_of(message: Message) -> str:
    """The X id behind the recipient's handle, from their latest post to the
    service (a report that came by another door, say)."""
    try:
        handle = normalize_x_handle(message.recipient)
    except InvalidInput:
        return ""
    # Under a retired data key too, while one is rotated (aduan/lib/crypto.py).
    hashes = crypto.lookup_hashes(ChannelIdentity.Kind.X, handle)
    inbound = InboundPost.objects.filter(author_hash__in=hashes).order_by("-pk").first()
    return inbound.author_id if inbound is not None else ""
