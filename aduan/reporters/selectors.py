"""What of a reporter staff, or the reporters themselves, are shown."""

from dataclasses import dataclass

from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reports.policy import IdentityAccess


@dataclass(frozen=True, slots=True)
class ReporterCard:
    """What of the reporter a staff member is shown, as the policy allows: the name
    only, or the name with NIK and channel contacts."""

    name: str
    nik: str = ""
    contacts: tuple[tuple[str, str], ...] = ()


def reporter_card(*, reporter: Reporter, access: IdentityAccess) -> ReporterCard | None:
    """The reporter as ``access`` (policy.identity_access, or "contacts" right after
    a national admin opened an anonymous identity) lets them be shown."""
    if access not in ("name", "contacts"):
        return None
    user = reporter.user
    name = reporter.name or (user.get_full_name() if user is not None else "")
    if access == "name":
        return ReporterCard(name=name)
    contacts: list[tuple[str, str]] = [
        (identity.get_kind_display(), identity.value)
        for identity in ChannelIdentity.objects.filter(reporter=reporter).order_by("kind", "id")
    ]
    email = (str(ChannelIdentity.Kind.EMAIL.label), user.email if user is not None else "")
    if email[1] and email not in contacts:
        contacts.append(email)
    return ReporterCard(name=name, nik=reporter.nik, contacts=tuple(contacts))
