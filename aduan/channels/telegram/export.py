"""A citizen's Telegram updates to the bot in their data export (UU PDP) and
account erasure: when each arrived, what it did, and what we answered (their
words are in the reports they reached, or in the conversation of a report they
were writing one question at a time)."""

from collections.abc import Sequence
from typing import Any

from aduan.accounts.export import export_section, identity_hashes
from aduan.accounts.models import User
from aduan.channels.telegram.models import InboundTelegram
from aduan.intake.conversation import conversations_erase, conversations_of
from aduan.reporters.models import ChannelIdentity


@export_section("telegram_conversations")
def _conversations(user: User) -> list[dict[str, Any]]:
    hashes = identity_hashes(user, kind=ChannelIdentity.Kind.TELEGRAM)
    return conversations_of(channel="telegram", hashes=hashes)


@export_section("telegram")
def _telegram(user: User) -> list[dict[str, Any]]:
    hashes = identity_hashes(user, kind=ChannelIdentity.Kind.TELEGRAM)
    rows = InboundTelegram.objects.filter(sender_hash__in=hashes).order_by("received_at", "pk")
    return [
        {
            "received_at": row.received_at,
            "kind": row.kind,
            "outcome": row.outcome,
            "report": row.report.tracking_number if row.report else None,
            "answer": row.answer_text,
        }
        for row in rows.select_related("report")
    ]


def erase(hashes: Sequence[str]) -> None:
    """Account erasure: what these Telegram accounts sent, and the reports they were
    writing one question at a time, are deleted with them."""
    InboundTelegram.objects.filter(sender_hash__in=hashes).delete()
    conversations_erase(channel="telegram", hashes=hashes)
