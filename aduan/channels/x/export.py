"""A citizen's posts and direct messages to the X service account in their data
export (UU PDP): when each arrived, which it was and what it did (the texts are
in the reports they reached)."""

from collections.abc import Sequence
from typing import Any

from aduan.accounts.export import export_section, identity_hashes
from aduan.accounts.models import User
from aduan.channels.x.models import InboundPost
from aduan.reporters.models import ChannelIdentity


@export_section("x")
def _x(user: User) -> list[dict[str, Any]]:
    hashes = identity_hashes(user, kind=ChannelIdentity.Kind.X)
    rows = InboundPost.objects.filter(author_hash__in=hashes).order_by("received_at", "pk")
    return [
        {
            "received_at": post.received_at,
            "post_id": post.post_id,
            "kind": post.kind,
            "outcome": post.outcome,
            "report": post.report.tracking_number if post.report else None,
        }
        for post in rows.select_related("report")
    ]


def erase(hashes: Sequence[str]) -> None:
    """Account erasure: what these identities sent is deleted with them."""
    InboundPost.objects.filter(author_hash__in=hashes).delete()
