"""What the chat channels (WhatsApp, Telegram) share at the one intake: a door whose
reports are written one question at a time, whose answers carry buttons, and whose
records are ``ChatRecord`` rows keyed by the gateway's id for the message; and a
person's share of those records, for their data export and account erasure."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q

from aduan.intake.conversation import conversations_erase
from aduan.intake.messages import Inbound, Received
from aduan.intake.models import ChatRecord
from aduan.intake.receive import Door, Receipt, intake_earlier, intake_once
from aduan.lib import crypto
from aduan.outbox.services import message_send


class ChatDoor(Door):
    """A chat channel at the one intake. ``key_field`` is the record's column for
    the gateway's id of the message; ``kind`` what the message was."""

    model: type[ChatRecord]
    key_field: str
    polite_limit = True
    guided = True

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def key(self, message: Inbound) -> object:
        """The gateway's id as the record's column holds it."""
        return message.external_id

    def keys(self, message: Inbound) -> Q | None:
        return Q(**{self.key_field: self.key(message)})

    def record(
        self, message: Inbound, received: Received, *, sender_hash: str, now: datetime
    ) -> models.Model:
        report = received.report
        answer = None
        if received.answer:
            answer = message_send(
                channel=self.channel,
                recipient=message.sender,
                body=received.answer,
                purpose=f"{self.channel}_{received.outcome}",
                reporter_id=report.reporter_id if report is not None else None,
                report_id=report.pk if report is not None else None,
                now=now,
                choices=received.buttons,
            )
        return self.model._default_manager.create(
            **{self.key_field: self.key(message)},
            kind=self.kind,
            sender_hash=sender_hash,
            received_at=now,
            outcome=received.outcome,
            report=report,
            answer=answer,
        )

    def ignore(self, message: Inbound, *, reason: str, now: datetime) -> Receipt:
        """Records, once, a message the channel does not act on (a sticker, a
        reaction, a group's message, an edit); it is never answered."""
        earlier = intake_earlier(message, door=self)
        if earlier is not None:
            return Receipt(earlier, again=True)
        sender_hash = crypto.lookup_hash(self.identity, message.sender) if message.sender else ""

        def write() -> models.Model:
            return self.model._default_manager.create(
                **{self.key_field: self.key(message)},
                kind=self.kind,
                sender_hash=sender_hash,
                received_at=now,
                outcome=ChatRecord.Outcome.IGNORED,
                detail=reason[:32],
            )

        return intake_once(message, door=self, write=write)


def chat_records_of(model: type[ChatRecord], *, hashes: Sequence[str]) -> list[dict[str, Any]]:
    """A person's messages on a chat channel (their data export): when each
    arrived, what it was and did, and what we answered."""
    rows = model._default_manager.filter(sender_hash__in=hashes).order_by("received_at", "pk")
    return [
        {
            "received_at": row.received_at,
            "kind": row.kind,
            "outcome": row.outcome,
            "report": row.report.tracking_number if row.report else None,
            "answer": row.answer.body if row.answer else "",
        }
        for row in rows.select_related("report", "answer")
    ]


def chat_erase(model: type[ChatRecord], *, channel: str, hashes: Sequence[str]) -> None:
    """Account erasure: what these identities sent on the channel, and the reports
    they were writing there one question at a time, are deleted with them."""
    model._default_manager.filter(sender_hash__in=hashes).delete()
    conversations_erase(channel=channel, hashes=hashes)
