"""A citizen's Telegram updates to the bot in their data export (UU PDP) and
account erasure: when each arrived, what it did, and what we answered (their
words are in the reports they reached, or in the conversation of a report they
were writing one question at a time)."""

from collections.abc import Sequence
from typing import Any

from aduan.accounts.export import export_section, identity_hashes
from aduan.accounts.models import User
from aduan.channels.telegram.models import InboundTelegram
from aduan.intake.chat import chat_erase, chat_records_of
from aduan.intake.conversation import conversations_of
from aduan.reporters.models import ChannelIdentity


@export_section("telegram_conversations")
def _conversations(user: User) -> list[dict[str, Any]]:
    hashes = identity_hashes(user, kind=ChannelIdentity.Kind.TELEGRAM)
    return conversations_of(channel="telegram", hashes=hashes)


@export_section("telegram")
def _messages(user: User) -> list[dict[str, Any]]:
    hashes = identity_hashes(user, kind=ChannelIdentity.Kind.TELEGRAM)
    return chat_records_of(InboundTelegram, hashes=hashes)


def erase(hashes: Sequence[str]) -> None:
    """Account erasure (``chat_erase``)."""
    chat_erase(InboundTelegram, channel="telegram", hashes=hashes)
