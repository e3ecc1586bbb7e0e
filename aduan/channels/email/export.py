"""A citizen's e-mails to the report address in their data export (UU PDP): when
each arrived, what it became, and the answer it got (the texts themselves are in
their reports and replies)."""

from collections.abc import Sequence
from typing import Any

from aduan.accounts.export import export_section, identity_hashes
from aduan.accounts.models import User
from aduan.channels.email.models import InboundMail
from aduan.reporters.models import ChannelIdentity


@export_section("email")
def _email(user: User) -> list[dict[str, Any]]:
    hashes = identity_hashes(user, kind=ChannelIdentity.Kind.EMAIL)
    rows = InboundMail.objects.filter(sender_hash__in=hashes).order_by("received_at", "pk")
    return [
        {
            "received_at": mail.received_at,
            "outcome": mail.outcome,
            "report": mail.report.tracking_number if mail.report else None,
            "answer": mail.answer,
        }
        for mail in rows.select_related("report")
    ]


def erase(hashes: Sequence[str]) -> None:
    """Account erasure: what these identities sent is deleted with them."""
    InboundMail.objects.filter(sender_hash__in=hashes).delete()
