"""What staff see of the outbox: which messages a report caused, whether they left
and arrived — never to whom they went or what they said (DESIGN.md §5)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aduan.outbox.models import Message
from aduan.outbox.services import recipient_hashes

_PURPOSES: dict[str, Promise] = {
    "receipt": _("Tanda terima"),
    "request_info": _("Permintaan kelengkapan"),
    "dispositioned": _("Pemberitahuan disposisi"),
    "follow_up": _("Tindak lanjut"),
    "answer": _("Tindak lanjut akhir"),
    "closed": _("Pemberitahuan selesai"),
    "intervened": _("Pemberitahuan penutupan"),
    "archived": _("Pemberitahuan arsip"),
    "merged": _("Pemberitahuan penggabungan"),
    "overdue": _("Pemberitahuan lewat batas waktu"),
    "overdue_staff": _("Pengingat batas waktu"),
    "escalated": _("Eskalasi"),
    "reminder": _("Pengingat dari pengawas"),
    "otp": _("Kode sekali pakai"),
    # The channels' own answers to what a citizen sent (aduan/channels/…).
    "mail_report": _("Tanda terima surel"),
    "mail_reply": _("Konfirmasi balasan surel"),
    "x_receipt": _("Tanda terima X"),
    "x_answer": _("Balasan X"),
}
# Every other answer of a channel, by the prefix of its purpose.
_CHANNEL_ANSWERS: dict[str, Promise] = {
    "sms_": _("Balasan SMS"),
    "mail_": _("Balasan surel"),
    "x_": _("Balasan X"),
}


def purpose_label(purpose: str) -> str:
    """A message's purpose in words for staff, never its code: a purpose this list
    does not know yet reads as a message of the system."""
    if purpose in _PURPOSES:
        return str(_PURPOSES[purpose])
    for prefix, label in _CHANNEL_ANSWERS.items():
        if purpose.startswith(prefix):
            return str(label)
    return str(_("Pesan sistem"))


@dataclass(frozen=True, slots=True)
class MessageRow:
    purpose: str
    to_reporter: bool
    channel: str
    status: str
    delivery: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None


def messages_of_report(*, report_id: int, show_channel: bool) -> list[MessageRow]:
    """The messages a report caused, oldest first. The channel of a message to the
    reporter tells how they can be reached: shown only where the viewer may know."""
    rows = (
        Message.objects.filter(report_id=report_id)
        .order_by("created_at", "pk")
        .values_list(
            "purpose",
            "reporter_id",
            "channel",
            "status",
            "delivery",
            "attempts",
            "last_error",
            "created_at",
            "sent_at",
        )
    )
    result = []
    for purpose, reporter_id, channel, status, delivery, attempts, error, created, sent in rows:
        to_reporter = reporter_id is not None
        result.append(
            MessageRow(
                purpose=purpose_label(purpose),
                to_reporter=to_reporter,
                channel=str(Message.Channel(channel).label)
                if show_channel or not to_reporter
                else "",
                status=str(Message.Status(status).label),
                delivery=str(Message.Delivery(delivery).label) if delivery else "",
                attempts=attempts,
                last_error=error,
                created_at=created,
                sent_at=sent,
            )
        )
    return result


def notices_for_staff(*, user_id: int, limit: int = 50) -> list[Message]:
    """A staff member's in-app notices, newest first."""
    return list(
        Message.objects.filter(
            channel=Message.Channel.WEB,
            recipient_hash__in=recipient_hashes(
                channel=Message.Channel.WEB, recipient=str(user_id)
            ),
        ).order_by("-created_at", "-pk")[:limit]
    )
