"""What the system tells people about a report, queued in the outbox in the same
transaction as the change that caused it (DESIGN.md §6): rolled back together, sent
only after commit. Each notice is written in its recipient's language, short for
SMS and long (with a subject) for e-mail.

The reporter hears of receipt, a request for information, disposition, every
follow-up (its text relayed), the answer, closing, archiving with the reason, and a
missed deadline (with the Ombudsman's address); staff hear of deadlines by e-mail;
agencies' systems hear through their webhooks."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.core.channels import channel_spec
from aduan.outbox.models import Message
from aduan.outbox.services import message_send
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reports.models import (
    Action,
    ArchiveReason,
    DeadlineKind,
    Report,
    ReportEvent,
    State,
)
from aduan.reports.policy import Actor, View, report_link_key, report_view, status_access
from aduan.reports.tracking import tracking_number_display

# The outbox channel that reaches each kind of identity, when the report came by
# another door (a phone number is reached by SMS unless it reported by WhatsApp).
_CHANNEL_OF_KIND: dict[str, str] = {
    ChannelIdentity.Kind.PHONE: Message.Channel.SMS,
    ChannelIdentity.Kind.EMAIL: Message.Channel.EMAIL,
    ChannelIdentity.Kind.X: Message.Channel.X,
    ChannelIdentity.Kind.TELEGRAM: Message.Channel.TELEGRAM,
}
# Channels whose messages must be short.
_SHORT_CHANNELS = frozenset({Message.Channel.SMS, Message.Channel.X})


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def report_follow_url(report: Report) -> str:
    """The report's page with its per-report link's key: only the reporter's own
    receipts carry it (it reads the report as they do), never a public post."""
    path = reverse("web:report", args=[report.tracking_number])
    return site_url(f"{path}?k={report_link_key(report)}")


def reporter_address(reporter: Reporter, *, channel: str) -> tuple[str, str] | None:
    """Where a reporter hears about a report: on the channel it came through when
    they have an identity there, else on a verified identity, else on their
    account's e-mail; None for a reporter nobody can reach (erased, say)."""
    spec = channel_spec(channel)
    preferred = spec.identity if spec is not None else None
    identities = sorted(
        reporter.identities.all(),
        key=lambda identity: (
            identity.kind != preferred,
            identity.verified_at is None,
            identity.pk,
        ),
    )
    for identity in identities:
        if spec is not None and identity.kind == preferred and identity.value:
            return spec.code, identity.value  # the door it came through
        if identity.kind in _CHANNEL_OF_KIND and identity.value:
            return _CHANNEL_OF_KIND[identity.kind], identity.value
    user = reporter.user
    if user is not None and user.email:
        return Message.Channel.EMAIL, user.email
    return None


def _language(user: User | None) -> str:
    return user.language if user is not None and user.language else settings.LANGUAGE_CODE


@dataclass(frozen=True, slots=True)
class _Template:
    """One notice in its forms: ``short`` for SMS, ``long`` for e-mail and the web,
    with the e-mail's ``subject``."""

    subject: Promise
    short: Promise
    long: Promise


# Placeholders: number, url, agency, agency_part, state, text, reason, due,
# deadline, code, original.
_TEMPLATES: dict[str, _Template] = {
    "receipt": _Template(
        subject=_("Laporan %(number)s diterima"),
        # One SMS (160 GSM-7 characters) with a site address of up to 35.
        short=_(
            "Laporan Anda diterima, nomor %(number)s. Pantau: %(url)s atau SMS CEK "
            "%(number)s ke %(code)s."
        ),
        long=_(
            "Terima kasih, laporan Anda sudah kami terima dengan nomor %(number)s. Laporan "
            "akan diverifikasi paling lambat %(due)s, lalu diteruskan ke instansi yang "
            "berwenang. Ikuti perkembangannya di %(url)s"
        ),
    ),
    "status": _Template(
        subject=_("Status laporan %(number)s"),
        short=_("Laporan %(number)s: %(state)s%(agency_part)s. Rincian: %(url)s"),
        long=_("Laporan %(number)s: %(state)s%(agency_part)s. Rincian: %(url)s"),
    ),
    "request_info": _Template(
        subject=_("Laporan %(number)s perlu dilengkapi"),
        short=_(
            "Laporan %(number)s perlu dilengkapi: %(reason)s Kirim BALAS %(number)s "
            "<keterangan> ke %(code)s sebelum %(due)s."
        ),
        long=_(
            "Laporan Anda %(number)s perlu dilengkapi sebelum dapat diteruskan: %(reason)s\n\n"
            "Kirim kelengkapannya sebelum %(due)s di %(url)s; tanpa kelengkapan, laporan "
            "akan diarsipkan."
        ),
    ),
    "dispositioned": _Template(
        subject=_("Laporan %(number)s diteruskan ke %(agency)s"),
        short=_("Laporan %(number)s sudah diverifikasi dan diteruskan ke %(agency)s."),
        long=_(
            "Laporan Anda %(number)s sudah diverifikasi dan diteruskan ke %(agency)s, yang "
            "akan menindaklanjutinya. Ikuti perkembangannya di %(url)s"
        ),
    ),
    "follow_up": _Template(
        subject=_("Tindak lanjut laporan %(number)s"),
        short=_("Tindak lanjut laporan %(number)s dari %(agency)s: %(text)s"),
        long=_(
            "%(agency)s menindaklanjuti laporan Anda %(number)s:\n\n%(text)s\n\nRincian: %(url)s"
        ),
    ),
    "answer": _Template(
        subject=_("Laporan %(number)s sudah ditindaklanjuti"),
        short=_(
            "%(agency)s menyelesaikan laporan %(number)s: %(text)s Tanggapi sebelum %(due)s "
            "(BALAS %(number)s <tanggapan>), atau laporan ditutup."
        ),
        long=_(
            "%(agency)s menyampaikan tindak lanjut akhir laporan Anda %(number)s:\n\n"
            "%(text)s\n\nPuas, atau belum? Tanggapi sebelum %(due)s di %(url)s. Tanpa "
            "tanggapan dalam 10 hari kerja, laporan ditutup."
        ),
    ),
    "closed": _Template(
        subject=_("Laporan %(number)s selesai"),
        short=_("Laporan %(number)s selesai. Terima kasih telah melapor."),
        long=_(
            "Laporan Anda %(number)s sudah selesai. Terima kasih telah melapor. "
            "Riwayatnya tetap dapat dilihat di %(url)s"
        ),
    ),
    "intervened": _Template(
        subject=_("Laporan %(number)s ditutup"),
        short=_("Laporan %(number)s ditutup oleh admin nasional: %(reason)s"),
        long=_(
            "Laporan Anda %(number)s ditutup oleh admin nasional dengan alasan: "
            "%(reason)s\n\nRincian: %(url)s"
        ),
    ),
    "archived": _Template(
        subject=_("Laporan %(number)s diarsipkan"),
        short=_("Laporan %(number)s diarsipkan: %(reason)s"),
        long=_(
            "Laporan Anda %(number)s tidak dapat ditindaklanjuti dan diarsipkan. Alasannya: "
            "%(reason)s\n\nRincian: %(url)s"
        ),
    ),
    "merged": _Template(
        subject=_("Laporan Anda digabung"),
        short=_(
            "Laporan %(number)s sama dengan laporan %(original)s dan digabung. Ikuti "
            "laporan %(original)s: CEK %(original)s ke %(code)s."
        ),
        long=_(
            "Laporan Anda %(number)s membahas hal yang sama dengan laporan %(original)s, "
            "jadi keduanya digabung. Ikuti perkembangannya di laporan %(original)s: %(url)s"
        ),
    ),
    "overdue": _Template(
        subject=_("Laporan %(number)s melewati batas waktu"),
        short=_(
            "Laporan %(number)s melewati batas waktu %(deadline)s. Anda dapat mengadukannya "
            "ke Ombudsman RI: telepon 137 atau ombudsman.go.id."
        ),
        long=_(
            "Laporan Anda %(number)s belum ditangani dalam batas waktu %(deadline)s. "
            "Kami sudah mengingatkan yang menanganinya. Jika Anda merasa dirugikan, Anda "
            "dapat mengadukan pelayanan ini ke Ombudsman Republik Indonesia: telepon 137 "
            "atau ombudsman.go.id.\n\nRincian: %(url)s"
        ),
    ),
}
# A follow-up's text in an SMS: the start of it (the link has the rest).
_SHORT_TEXT_MAX = 240


def _shortened(text: str, maximum: int) -> str:
    """At most ``maximum`` characters, cut at a word; "..." rather than "…", which
    is not in the GSM alphabet and would make the whole SMS take UCS-2's shorter
    parts."""
    text = " ".join(text.split())
    if len(text) <= maximum:
        return text
    return text[: maximum - 3].rsplit(" ", 1)[0] + "..."


def _sentence(text: str) -> str:
    """Text that ends a sentence, to be followed by another."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else f"{text}."


def notice_text(
    purpose: str,
    *,
    short: bool,
    report: Report,
    now: datetime | None = None,
    text: str = "",
    reason: str = "",
    original: Report | None = None,
) -> str:
    """A notice's text about ``report`` in the active language, short (SMS) or long."""
    template = _TEMPLATES[purpose]
    agency = report.agency.name if report.agency_id and report.agency else ""
    due = report.deadline_at
    values = {
        "number": tracking_number_display(report.tracking_number),
        "url": site_url(reverse("web:report", args=[report.tracking_number])),
        "agency": agency,
        "agency_part": (gettext(", ditangani %(agency)s") % {"agency": agency}) if agency else "",
        "state": State(report.state).label,
        "text": _sentence(_shortened(text, _SHORT_TEXT_MAX) if short else text),
        "reason": _sentence(reason),
        "due": date_format(timezone.localtime(due), "SHORT_DATE_FORMAT") if due else "-",
        "deadline": DeadlineKind(report.deadline_kind).label if report.deadline_kind else "",
        "code": settings.SMS_SHORTCODE,
        "original": tracking_number_display(original.tracking_number) if original else "",
    }
    if original is not None:
        # A merged report is followed on the report it was merged into.
        values["url"] = site_url(reverse("web:report", args=[original.tracking_number]))
    if purpose == "receipt":
        values["url"] = report_follow_url(report)
    return str(template.short if short else template.long) % values


def _tell_reporter(report: Report, purpose: str, **details: Any) -> Message | None:
    """Queues a notice to the report's reporter on their channel, in their language."""
    reporter = report.reporter
    address = reporter_address(reporter, channel=report.channel)
    if address is None:
        return None
    channel, recipient = address
    short = channel in _SHORT_CHANNELS
    language = _language(reporter.user)
    with translation.override(language):
        body = notice_text(purpose, short=short, report=report, **details)
        subject = ""
        if not short:
            subject = str(_TEMPLATES[purpose].subject) % {
                "number": tracking_number_display(report.tracking_number),
                "agency": report.agency.name if report.agency_id and report.agency else "",
            }
        # On a chat channel, a button asks where the report stands.
        spec = channel_spec(channel)
        buttons = (
            ((f"status:{report.tracking_number}", gettext("Cek status")),)
            if spec is not None and spec.guided
            else ()
        )
    return message_send(
        channel=channel,
        recipient=recipient,
        body=body,
        subject=subject,
        purpose=purpose,
        language=language,
        reporter_id=reporter.pk,
        report_id=report.pk,
        choices=buttons,
    )


def reporter_told_of_receipt(report: Report) -> Message | None:
    """The reporter hears their report arrived, with its tracking number."""
    return _tell_reporter(report, "receipt")


def reporter_told_overdue(report: Report) -> Message | None:
    """A deadline of the staff's passed: the reporter hears so, and that they may
    take the case to the Ombudsman."""
    return _tell_reporter(report, "overdue")


def reporter_told(*, report: Report, event: ReportEvent) -> Message | None:
    """What the reporter hears of a change the staff or the clock made (nothing of
    what they did themselves, nor of what happens inside the agency)."""
    action = event.action
    if action in (Action.DISPOSE, Action.REDISPOSE):
        return _tell_reporter(report, "dispositioned")
    if action == Action.REQUEST_INFO:
        return _tell_reporter(report, "request_info", reason=event.reason)
    if action == Action.FOLLOW_UP:
        return _tell_reporter(report, "follow_up", text=event.body)
    if action == Action.ANSWER:
        return _tell_reporter(report, "answer", text=event.body)
    if action == Action.AUTO_CLOSE:
        return _tell_reporter(report, "closed")
    if action == Action.INTERVENE:
        return _tell_reporter(report, "intervened", reason=event.reason)
    if action == Action.ARCHIVE and report.duplicate_of is not None:
        return _tell_reporter(report, "merged", original=report.duplicate_of)
    if action in (Action.ARCHIVE, Action.EXPIRE_INFO):
        reason = str(ArchiveReason(report.archive_reason).label) if report.archive_reason else ""
        if event.reason:
            reason = f"{_sentence(reason)} {event.reason}" if reason else event.reason
        return _tell_reporter(report, "archived", reason=reason)
    return None


# -- staff ---------------------------------------------------------------------------


def _staff_told(
    *,
    report: Report,
    staff: list[User],
    purpose: str,
    subject: Promise,
    body: Promise,
    by: str,
    link: Callable[[User], str] | None = None,
) -> list[Message]:
    """A notice to each of ``staff`` about the report — in the back office, and by
    e-mail to those with an address: its number, the deadline and a link to its case
    page (or to the page ``link`` gives for that user), nothing of the reporter."""
    sent: list[Message] = []
    agency = report.agency.name if report.agency_id and report.agency else ""
    values = {
        "number": tracking_number_display(report.tracking_number),
        "url": site_url(reverse("backoffice:case", args=[report.tracking_number])),
        "by": by,
    }
    for user in staff:
        # The agency of a confidential report is part of what it is about: named only
        # to those the policy shows it (not a supervisor's number-and-deadline view).
        shown = status_access(Actor.for_user(user, verified=True), report).agency
        values["agency"] = agency if shown else "—"
        if link is not None:
            values["url"] = link(user)
        language = _language(user)
        with translation.override(language):
            values["deadline"] = (
                str(DeadlineKind(report.deadline_kind).label) if report.deadline_kind else ""
            )
            text, title = str(body) % values, str(subject) % values
        addresses = [(Message.Channel.WEB, str(user.pk))]
        if user.email:
            addresses.append((Message.Channel.EMAIL, user.email))
        sent.extend(
            message_send(
                channel=channel,
                recipient=recipient,
                body=text,
                subject=title,
                purpose=purpose,
                language=language,
                report_id=report.pk,
            )
            for channel, recipient in addresses
        )
    return sent


def staff_reminded(*, report: Report, by: str, staff: list[User]) -> list[Message]:
    """The supervising agency ``by`` reminds the report's handlers of it."""
    return _staff_told(
        report=report,
        staff=staff,
        purpose="reminder",
        by=by,
        subject=_("Pengingat: laporan %(number)s"),
        body=_(
            "%(by)s mengingatkan bahwa laporan %(number)s sudah melewati batas "
            "waktunya. Mohon segera ditindaklanjuti: %(url)s"
        ),
    )


def staff_told_overdue(*, report: Report, staff: list[User]) -> list[Message]:
    """A deadline passed: those responsible for it are reminded."""
    return _staff_told(
        report=report,
        staff=staff,
        purpose="overdue_staff",
        by="",
        subject=_("Melewati batas waktu: laporan %(number)s"),
        body=_(
            "Batas waktu %(deadline)s laporan %(number)s sudah lewat. Mohon segera "
            "ditangani: %(url)s"
        ),
    )


def _escalation_link(report: Report) -> Callable[[User], str]:
    """The page an escalation notice sends its recipient to: the case page when they
    may open it, else their escalation list, which shows a report they see only in
    part (a supervisor's view of a confidential report: number, state, deadline)."""

    def link(user: User) -> str:
        if report_view(Actor.for_user(user, verified=True), report) == View.FULL:
            return site_url(reverse("backoffice:case", args=[report.tracking_number]))
        return site_url(reverse("backoffice:escalated"))

    return link


def staff_told_escalated(*, report: Report, staff: list[User]) -> list[Message]:
    """Twice the allowed time passed: the supervising agency and the national admin
    are told, the report is on their escalation lists."""
    return _staff_told(
        report=report,
        staff=staff,
        purpose="escalated",
        by="",
        subject=_("Eskalasi: laporan %(number)s"),
        body=_(
            "Laporan %(number)s sudah dua kali melewati batas waktu %(deadline)s "
            "(ditangani: %(agency)s). Laporan ini kini ada di daftar eskalasi Anda: %(url)s"
        ),
        link=_escalation_link(report),
    )
