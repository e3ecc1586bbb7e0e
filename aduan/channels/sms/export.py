"""A citizen's SMS to 1708 in their data export (UU PDP): when each arrived, what it
became, and the answer it got (the texts themselves are in their reports and
replies)."""

from collections.abc import Sequence
from typing import Any

from aduan.accounts.export import export_section, identity_hashes
from aduan.accounts.models import User
from aduan.channels.sms.models import InboundSms
from aduan.reporters.models import ChannelIdentity


@export_section("sms")
def _sms(user: User) -> list[dict[str, Any]]:
    hashes = identity_hashes(user, kind=ChannelIdentity.Kind.PHONE)
    rows = InboundSms.objects.filter(sender_hash__in=hashes).order_by("received_at", "pk")
    return [
        {
            "received_at": sms.received_at,
            "outcome": sms.outcome,
            "report": sms.report.tracking_number if sms.report else None,
            "answer": sms.answer,
        }
        for sms in rows.select_related("report")
    ]


def erase(hashes: Sequence[str]) -> None:
    """Account erasure: what these identities sent is deleted with them."""
    InboundSms.objects.filter(sender_hash__in=hashes).delete()
