"""The values every door hands the intake and gets back (receive.py)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aduan.intake.commands import Command
from aduan.intake.services import Outcome
from aduan.reports.models import Report
from aduan.reports.services import Upload


@dataclass(frozen=True, slots=True)
class Place:
    """Where a message says it is: a shared location, with the name a chat app
    gave it, if any."""

    latitude: float
    longitude: float
    label: str = ""


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message as a channel read it.

    ``sender`` is the sender's channel identity, normalised (an E.164 number, an
    X handle, an e-mail address, a Telegram user id); ``external_id`` the gateway's
    id for the message and ``fingerprint`` a second key where the gateway may
    re-deliver under a new id. ``command`` is the channel's own reading when its
    grammar is not the commands' (an X post with #LAPOR, an e-mail's subject), and
    ``in_thread`` marks words that answer a report's thread without naming it: from
    anyone but its reporter they are not for the service, and leave no trace."""

    channel: str
    sender: str
    text: str = ""
    name: str = ""
    external_id: str = ""
    fingerprint: str = ""
    files: Sequence[Upload] = ()
    # Files the channel fetches later, by the worker (URLs, media ids).
    file_refs: Sequence[str] = ()
    place: Place | None = None
    conversation: str = ""
    received_at: datetime | None = None
    command: Command | None = None
    in_thread: bool = False
    # The id of the button the sender pressed, on a channel that has buttons.
    choice: str = ""


class Handled:
    """What the intake did with a message, as the inbound records write it: the
    intake's results, and help and the flood limit, which never reach it."""

    REPORT = "report"
    STATUS = "status"
    REPLY = "reply"
    HELP = "help"
    REFUSED = "refused"
    LIMITED = "limited"
    STEP = "step"  # a step of a conversation on a chat channel
    CANCELLED = "cancelled"  # the sender cancelled the report being written


@dataclass(frozen=True, slots=True)
class Received:
    """A message handled: what became of it (a ``Handled`` value, or the door's
    own), the report it made or reached, and the answer's words ("" for none)."""

    outcome: str
    report: Report | None = None
    answer: str = ""
    intake: Outcome | None = None
    command: Command | None = None
    # The answer is a receipt (X answers one in public, anything else privately).
    receipt: bool = False
    # The choices offered with the answer, as buttons where the channel has them:
    # (id, label) pairs.
    buttons: tuple[tuple[str, str], ...] = ()
