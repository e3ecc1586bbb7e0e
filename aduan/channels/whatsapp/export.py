"""A citizen's WhatsApp messages to the service in their data export (UU PDP) and
account erasure: when each arrived, what it did, and what we answered (their
words are in the reports they reached)."""

from collections.abc import Sequence
from typing import Any

from aduan.accounts.export import export_section, identity_hashes
from aduan.accounts.models import User
from aduan.channels.whatsapp.models import InboundWhatsApp
from aduan.intake.chat import chat_erase, chat_records_of
from aduan.intake.conversation import conversations_of
from aduan.reporters.models import ChannelIdentity


@export_section("whatsapp_conversations")
def _conversations(user: User) -> list[dict[str, Any]]:
    hashes = identity_hashes(user, kind=ChannelIdentity.Kind.PHONE)
    return conversations_of(channel="whatsapp", hashes=hashes)


@export_section("whatsapp")
def _messages(user: User) -> list[dict[str, Any]]:
    hashes = identity_hashes(user, kind=ChannelIdentity.Kind.PHONE)
    return chat_records_of(InboundWhatsApp, hashes=hashes)


def erase(hashes: Sequence[str]) -> None:
    """Account erasure (``chat_erase``)."""
    chat_erase(InboundWhatsApp, channel="whatsapp", hashes=hashes)
