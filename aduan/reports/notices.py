"""What the system tells people about a report, queued in the outbox in the same
transaction as the change that caused it (DESIGN.md §6): rolled back together, sent
only after commit. Each notice is written in its recipient's language.

So far: the reporter of a report merged into another, the staff of an agency a
supervisor reminds, and the agencies' own systems through their webhooks. Every
other lifecycle notice joins this module the same way."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from aduan.accounts.models import User
from aduan.integrations.webhooks import webhook_events_record
from aduan.outbox.models import Message
from aduan.outbox.services import message_send
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reports.models import Report, ReportEvent
from aduan.reports.tracking import tracking_number_display

# The outbox channel that reaches each kind of identity.
_CHANNEL_OF_KIND: dict[str, str] = {
    ChannelIdentity.Kind.PHONE: Message.Channel.SMS,
    ChannelIdentity.Kind.EMAIL: Message.Channel.EMAIL,
    ChannelIdentity.Kind.X: Message.Channel.X,
}
# The identity a report's own channel answers on.
_KIND_OF_CHANNEL: dict[str, str] = {channel: kind for kind, channel in _CHANNEL_OF_KIND.items()}


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def reporter_address(reporter: Reporter, *, channel: str) -> tuple[str, str] | None:
    """Where a reporter hears about a report: on the channel it came through when
    they have an identity there, else on a verified identity, else on their
    account's e-mail; None for a reporter nobody can reach (erased, say)."""
    preferred = _KIND_OF_CHANNEL.get(channel)
    identities = sorted(
        reporter.identities.all(),
        key=lambda identity: (
            identity.kind != preferred,
            identity.verified_at is None,
            identity.pk,
        ),
    )
    for identity in identities:
        if identity.kind in _CHANNEL_OF_KIND and identity.value:
            return _CHANNEL_OF_KIND[identity.kind], identity.value
    user = reporter.user
    if user is not None and user.email:
        return Message.Channel.EMAIL, user.email
    return None


def _language(user: User | None) -> str:
    return user.language if user is not None and user.language else settings.LANGUAGE_CODE


def reporter_told_of_merge(*, duplicate: Report, original: Report) -> Message | None:
    """The reporter of a report merged into another one is told where it goes on:
    the original's number, whose progress they follow from now on (their own
    report's page shows it)."""
    reporter = duplicate.reporter
    address = reporter_address(reporter, channel=duplicate.channel)
    if address is None:
        return None
    channel, recipient = address
    language = _language(reporter.user)
    with translation.override(language):
        body = gettext(
            "Laporan Anda %(duplicate)s membahas hal yang sama dengan laporan %(original)s, "
            "jadi keduanya digabung. Ikuti perkembangannya di laporan %(original)s: %(url)s"
        ) % {
            "duplicate": tracking_number_display(duplicate.tracking_number),
            "original": tracking_number_display(original.tracking_number),
            "url": site_url(reverse("web:report", args=[duplicate.tracking_number])),
        }
        subject = gettext("Laporan Anda digabung") if channel == Message.Channel.EMAIL else ""
    return message_send(
        channel=channel,
        recipient=recipient,
        body=body,
        subject=subject,
        purpose="merged",
        language=language,
        reporter_id=reporter.pk,
        report_id=duplicate.pk,
    )


def staff_reminded(*, report: Report, by: str, staff: list[User]) -> list[Message]:
    """An e-mail to each of the report's handlers (``staff``) that the supervising
    agency ``by`` reminds them of an overdue report: its number and a link, nothing
    of the reporter."""
    sent: list[Message] = []
    number = tracking_number_display(report.tracking_number)
    link = site_url(reverse("backoffice:case", args=[report.tracking_number]))
    for user in staff:
        if not user.email:
            continue
        with translation.override(_language(user)):
            subject = gettext("Pengingat: laporan %(number)s") % {"number": number}
            body = gettext(
                "%(by)s mengingatkan bahwa laporan %(number)s sudah melewati batas "
                "waktunya. Mohon segera ditindaklanjuti: %(url)s"
            ) % {"by": by, "number": number, "url": link}
        sent.append(
            message_send(
                channel=Message.Channel.EMAIL,
                recipient=user.email,
                body=body,
                subject=subject,
                purpose="reminder",
                language=_language(user),
                report_id=report.pk,
            )
        )
    return sent


def agency_systems_told(*, report: Report, event: ReportEvent) -> None:
    """The systems of the agencies handling the report hear of the events they
    subscribed to (disposition, the reporter's reply, re-opening, closing, a
    reminder) through their webhooks."""
    webhook_events_record(report=report, event=event)
