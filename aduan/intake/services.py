"""The one intake (DESIGN.md §6): what every channel that is not the web portal
(SMS, X, e-mail, the service counter) hands over once it has read a message — a new report, a status
question, or words for an existing report — done the same way whatever the door.
The channel keeps its own grammar, its answers' wording and its records; here are
the rules: who the sender is (a channel identity), what they may know of a report,
and that only a report's own reporter may write to it."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aduan.accounts.services import account_link_user, identity_link
from aduan.lib.errors import AduanError, Conflict, NotFound, NotPermitted
from aduan.lib.text import clean_text, title_from_text
from aduan.reporters.models import Reporter
from aduan.reporters.services import identity_parse, reporter_for_identity
from aduan.reports import policy, services
from aduan.reports.errors import WrongState
from aduan.reports.models import Action, Channel, Report, ReportType, State
from aduan.reports.policy import Actor

logger = logging.getLogger("aduan.intake")

# Who sits at a service counter: the national admin's desk and every agency's.
COUNTER_ROLES = frozenset({"national_admin", "agency_admin", "liaison"})


class Result(StrEnum):
    REPORT = "report"  # a new report was made
    STATUS = "status"  # the report may be told of
    REPLY = "reply"  # the words reached the report
    NOT_FOUND = "not_found"  # no such report for this sender (or hidden from them)
    CLOSED = "closed"  # the report takes no more words
    REFUSED = "refused"  # the input was refused: ``error`` says why


@dataclass(frozen=True, slots=True)
class Outcome:
    result: Result
    report: Report | None = None
    error: str = ""


@dataclass(frozen=True, slots=True)
class Sender:
    reporter: Reporter
    actor: Actor


def intake_sender(*, kind: str, value: str, name: str = "") -> Sender:
    """The reporter behind a channel identity (made on first contact)."""
    reporter = reporter_for_identity(kind=kind, value=value, name=name)
    return Sender(reporter=reporter, actor=Actor.for_reporter(reporter.pk))


def intake_report(
    *,
    sender: Sender,
    text: str,
    channel: str,
    title: str = "",
    type: str = ReportType.COMPLAINT,
    files: Sequence[services.Upload] = (),
    location: services.Location | None = None,
    acknowledged: bool = False,
    now: datetime | None = None,
) -> Outcome:
    """A new report from the message (a complaint unless the sender chose another
    type); a title made from its text when the channel brings none.
    ``acknowledged``: the channel answers the sender itself."""
    try:
        report = services.report_create(
            actor=sender.actor,
            reporter=sender.reporter,
            type=type,
            title=title.strip() or title_from_text(text),
            body=text,
            channel=channel,
            files=files,
            location=location,
            acknowledged=acknowledged,
            now=now or timezone.now(),
        )
    except AduanError as error:
        return Outcome(Result.REFUSED, error=str(error.message))
    return Outcome(Result.REPORT, report=report)


def _visible(number: str, actor: Actor) -> Report | None:
    """The report if this sender may know of it: a confidential one only to its own
    reporter; an unknown report and a hidden one read alike."""
    report = Report.objects.select_related("agency").filter(tracking_number=number).first()
    if report is None or policy.report_view(actor, report) == policy.View.NONE:
        return None
    return report


def intake_status(*, sender: Sender, number: str) -> Outcome:
    report = _visible(number, sender.actor)
    if report is None:
        return Outcome(Result.NOT_FOUND)
    return Outcome(Result.STATUS, report=report)


def intake_reply(
    *,
    sender: Sender,
    number: str,
    text: str,
    channel: str,
    files: Sequence[services.Upload] = (),
    now: datetime | None = None,
) -> Outcome:
    """Words for a report from its own reporter: the information asked for, when it
    waits for some; else a reply to whoever handles it."""
    report = _visible(number, sender.actor)
    if report is None or not policy.is_owner(sender.actor, report):
        return Outcome(Result.NOT_FOUND)
    now = now or timezone.now()
    try:
        if report.state == State.NEEDS_INFO:
            services.report_supply_info(
                actor=sender.actor, report=report, text=text, files=files, channel=channel, now=now
            )
        else:
            with transaction.atomic():
                services.report_reply(
                    actor=sender.actor, report=report, text=text, channel=channel, now=now
                )
                for upload in files:
                    services.report_attachment_add(
                        actor=sender.actor, report=report, data=upload.data
                    )
    except WrongState:
        return Outcome(Result.CLOSED, report=report)
    except AduanError as error:
        return Outcome(Result.REFUSED, report=report, error=str(error.message))
    return Outcome(Result.REPLY, report=report)


def intake_counter(
    *,
    staff: Actor,
    name: str,
    contact: str,
    type: str,
    title: str,
    body: str,
    category: str | None,
    region: str | None,
    incident_date: date | None = None,
    address: str = "",
    anonymous: bool = False,
    confidential: bool = False,
    files: Sequence[services.Upload] = (),
    now: datetime | None = None,
) -> Report:
    """A walk-in citizen's report, entered by counter staff on their behalf. The
    citizen is known by the phone number or e-mail address they gave for updates
    (and hears of the report there, receipt first), or by name alone: then the
    printed receipt is all they take home."""
    if staff.role not in COUNTER_ROLES:
        raise NotPermitted()
    name = clean_text(name, field="name", maximum=150, empty=_("Isi nama warga."))
    with transaction.atomic():
        if contact.strip():
            kind, value = identity_parse(contact, field="contact")
            reporter = reporter_for_identity(kind=kind, value=value, name=name)
            if name and not reporter.name:
                reporter.name = name
                reporter.save(update_fields=["name"])
        else:
            reporter = Reporter.objects.create(name=name)
        return services.report_create(
            actor=staff,
            reporter=reporter,
            type=type,
            title=title,
            body=body,
            channel=Channel.COUNTER,
            category=category,
            location=services.Location(region=region, address=address),
            incident_date=incident_date,
            anonymous=anonymous,
            confidential=confidential,
            files=files,
            now=now or timezone.now(),
        )


def intake_counter_receipt(*, staff: Actor, number: str) -> Report:
    """The report a counter entered, for its printed receipt: only the staff member
    who entered it (or a national admin) may print it again."""
    report = Report.objects.filter(tracking_number=number).select_related("region").first()
    if report is None or staff.user is None:
        raise NotFound(_("Laporan tidak ditemukan."), code="report_not_found")
    entered = report.events.filter(action=Action.SUBMIT, actor=staff.user).exists()
    if not (entered or staff.role == "national_admin") or report.channel != Channel.COUNTER:
        raise NotFound(_("Laporan tidak ditemukan."), code="report_not_found")
    return report


def intake_link(*, kind: str, value: str, code: str, now: datetime | None = None) -> str:
    """A door joins the web account its code names (a chat that opened the account's
    signed link: the chat app proved who holds it); the answer's words."""
    user = account_link_user(code)
    if user is None:
        logger.info("intake: refused a link code that is forged or expired")
        return gettext(
            "Maaf, kode untuk menghubungkan akun ini tidak berlaku atau sudah kedaluwarsa "
            "(kode berlaku satu jam). Buka halaman akun Anda di situs untuk mendapatkan "
            "tautan baru."
        )
    try:
        identity_link(user=user, kind=kind, value=value, now=now)
    except Conflict:
        logger.info("intake: refused to link a door that belongs to another account")
        return gettext(
            "Maaf, akun Telegram ini sudah terhubung dengan akun lain di situs, jadi tidak "
            "dapat dihubungkan dengan akun ini. Jika itu keliru, hubungi petugas layanan."
        )
    logger.info("intake: linked a door to an account")
    return gettext(
        "Akun Telegram ini sekarang terhubung dengan akun Anda di situs. Laporan yang Anda "
        "kirim lewat Telegram dapat diikuti juga dari akun Anda."
    )
