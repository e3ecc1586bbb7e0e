"""The short answers to a command (commands.py), worded once for every channel
that takes commands — SMS to 1708 and direct messages on X. ``to`` is where the
sender writes to (the short code, the account's handle), so the help says how to
go on by the same door."""

from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext

from aduan.intake.commands import Trouble
from aduan.intake.services import Outcome, Result
from aduan.reports.models import State
from aduan.reports.notices import notice_text
from aduan.reports.tracking import tracking_number_display


def answer_text(outcome: Outcome, *, number: str, to: str, now: datetime) -> str:
    """The answer to what the intake did with a command."""
    report = outcome.report
    if outcome.result == Result.REPORT and report is not None:
        return notice_text("receipt", short=True, report=report)
    if outcome.result == Result.STATUS and report is not None:
        return notice_text("status", short=True, report=report, now=now)
    if outcome.result == Result.REPLY and report is not None:
        return gettext(
            "Balasan Anda untuk laporan %(number)s sudah kami teruskan. Terima kasih."
        ) % {"number": tracking_number_display(report.tracking_number)}
    if outcome.result == Result.CLOSED and report is not None:
        return gettext(
            "Laporan %(number)s sudah %(state)s. Untuk hal baru, kirim LAPOR <isi laporan> "
            "ke %(code)s."
        ) % {
            "number": tracking_number_display(report.tracking_number),
            "state": State(report.state).label.lower(),
            "code": to,
        }
    if outcome.result == Result.NOT_FOUND:
        return gettext(
            "Laporan %(number)s tidak ditemukan. Periksa nomornya, atau kirim INFO ke %(code)s."
        ) % {"number": tracking_number_display(number), "code": to}
    return outcome.error


def help_text(trouble: Trouble, *, to: str) -> str:
    """How to use the commands, led by what went wrong, if anything."""
    if trouble == Trouble.NUMBER_MISSING or trouble == Trouble.NUMBER_INVALID:
        lead = gettext("Nomor laporan tidak terbaca.")
    elif trouble == Trouble.TEXT_MISSING:
        lead = gettext("Isi balasan kosong.")
    elif trouble == Trouble.EMPTY:
        lead = gettext("Pesan Anda kosong.")
    else:
        lead = gettext("Layanan %(service)s %(code)s.") % {
            "service": settings.SERVICE_NAME,
            "code": to,
        }
    return " ".join(
        [
            lead,
            gettext(
                "Lapor: LAPOR <isi laporan>. Cek: CEK <nomor>. Balas: BALAS <nomor> <isi>. "
                "Kirim ke %(code)s."
            )
            % {"code": to},
        ]
    )


def answer_outcome(outcome: Outcome) -> str:
    """What a channel records of the command: what was done ("report", "status",
    "reply"), or "refused" when nothing could be."""
    if outcome.report is not None and outcome.result in (
        Result.REPORT,
        Result.STATUS,
        Result.REPLY,
    ):
        return str(outcome.result)
    return "refused"
