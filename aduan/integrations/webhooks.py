"""Webhooks: an agency's own system is told, as it happens, of what happens to the
reports it handles (DESIGN.md §10).

A delivery is written in the transaction of the change that causes it and leaves
after that transaction commits, from the worker, like every message of the outbox:
a change that is rolled back tells nobody. Deliveries to one URL leave one at a
time, in the order they were written; a failed attempt is retried with exponential
back-off and the deliveries behind it wait, so a receiver sees events in order. After
``MAX_ATTEMPTS`` the delivery is given up (the agency may replay it) and the next
one goes.

Each delivery follows the Standard Webhooks scheme (standardwebhooks.com), so
receivers can verify it with a library: ``webhook-id`` (the same on every attempt),
``webhook-timestamp`` (Unix seconds of the attempt) and ``webhook-signature``
(``v1,`` + base64 of HMAC-SHA256 over ``id.timestamp.body`` with the webhook's
secret). The body says what happened and to which report; never anything of the
reporter — the agency's system reads the case through the API for the rest.

A webhook never makes the server call into its own network (SSRF): at registration
and again at every attempt the host is resolved once, every address it stands for
must be public (``aduan.lib.netaddr``), and the attempt connects to exactly those
addresses — never to a second answer of the resolver (DNS rebinding) — while TLS
still names and verifies the URL's host. Redirects are not followed; no proxy is
used."""

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.integrations.models import Delivery, Webhook, WebhookEvent
from aduan.lib.errors import Conflict, InvalidInput, NotFound, NotPermitted
from aduan.lib.netaddr import IPAddress, may_call, parse_address
from aduan.lib.requestid import request_id, request_id_bound
from aduan.reports.models import Action, Report, ReportEvent, State
from aduan.reports.policy import Actor

logger = logging.getLogger("aduan.webhooks")

SECRET_START = "whsec_"  # noqa: S105 (a prefix, not a secret)
# Webhooks an agency may have: enough for a few systems, not a fan-out service.
WEBHOOKS_MAX = 10
URL_MAX = 500
# Attempts before a delivery is given up; the waits between them double from
# RETRY_FIRST up to RETRY_MAX: 30 s, 1 min, 2 min, … 6 h — about 14½ hours in all.
MAX_ATTEMPTS = 12
RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=6)
# How long one attempt may take, and the lease a worker holds on a webhook while it
# sends (longer than a run of attempts can take).
TIMEOUT_SECONDS = 10
LEASE = timedelta(minutes=5)
# Deliveries one run sends before it hands over to a new task (others' turn).
RUN_MAX = 50
_ERROR_MAX = 500

# The events each lifecycle action tells of (closing is told by the state reached).
_EVENT_OF_ACTION: dict[str, str] = {
    Action.DISPOSE: WebhookEvent.DISPOSITIONED,
    Action.REDISPOSE: WebhookEvent.DISPOSITIONED,
    Action.REPLY: WebhookEvent.REPLIED,
    Action.REOPEN: WebhookEvent.REOPENED,
    Action.REMIND: WebhookEvent.DEADLINE_REMINDER,
    Action.OVERDUE: WebhookEvent.DEADLINE_REMINDER,
    Action.ESCALATE: WebhookEvent.DEADLINE_REMINDER,
}


# -- managing webhooks ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewWebhook:
    """A new webhook and its signing secret, which is shown once."""

    webhook: Webhook
    secret: str


def _agency_of(actor: Actor) -> int:
    """The agency whose webhooks the actor manages: its admin's or its system's."""
    if actor.role not in ("agency_admin", "integration") or actor.agency_id is None:
        raise NotPermitted(_("Hanya admin instansi atau sistem instansi yang mengelola webhook."))
    return actor.agency_id


def _new_secret() -> str:
    return SECRET_START + base64.b64encode(secrets.token_bytes(32)).decode()


def resolve(host: str) -> list[IPAddress]:
    """The addresses a webhook's host name stands for, in the resolver's order: the
    one place a name is resolved, at registration and once per delivery attempt
    (the tests stand in a resolver of their own here). Raises OSError when the name
    does not resolve."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except UnicodeError as error:  # a name IDNA cannot encode
        raise OSError(str(error)) from None
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class AddressRefused(Exception):
    """The host does not stand only for addresses the server may call."""


def _checked_addresses(host: str) -> list[IPAddress]:
    """The addresses to connect to, each checked; what is connected to is exactly
    this, never a second answer of the resolver (DNS rebinding). Every address must
    pass, not just one: the client could pick any of them."""
    allow_local = settings.WEBHOOK_ALLOW_LOCAL
    literal = parse_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = resolve(host)
        except OSError as error:
            raise AddressRefused("the host name does not resolve") from error
    refused = [a for a in addresses if not may_call(a, allow_local=allow_local)]
    if not addresses or refused:
        logger.warning("webhook host %s refused: it resolves to %s", host, refused)
        raise AddressRefused("the address is not on the public internet")
    return addresses


def _clean_url(url: str) -> str:
    url = url.strip()
    local = settings.WEBHOOK_ALLOW_LOCAL
    schemes = ["https", "http"] if local else ["https"]
    try:
        URLValidator(schemes=schemes)(url)
    except ValidationError:
        raise InvalidInput(
            _("Alamat webhook harus URL https:// yang lengkap.")
            if not local
            else _("Alamat webhook harus URL http:// atau https:// yang lengkap."),
            code="invalid_url",
            field="url",
        ) from None
    parts = urlsplit(url)
    if len(url) > URL_MAX or parts.username or parts.password:
        raise InvalidInput(
            _("Alamat webhook terlalu panjang atau memuat nama pengguna dan sandi."),
            code="invalid_url",
            field="url",
        )
    host = parts.hostname or ""
    # In a demo a host name may point at a machine that is not up yet: it is checked
    # at each delivery. An address written in the URL is checked here in any case.
    if local and parse_address(host) is None:
        return url
    try:
        _checked_addresses(host)
    except AddressRefused:
        raise InvalidInput(
            _(
                "Alamat webhook harus bisa dijangkau di internet publik: nama hostnya "
                "harus terdaftar di DNS dan hanya menunjuk ke alamat IP publik, bukan ke "
                "jaringan lokal atau alamat khusus."
            ),
            code="url_not_public",
            field="url",
        ) from None
    return url


def _clean_events(events: Sequence[str]) -> list[str]:
    chosen = sorted(set(events))
    if not chosen or any(event not in WebhookEvent.values for event in chosen):
        raise InvalidInput(
            _("Pilih setidaknya satu peristiwa yang dikenal."), code="unknown_event", field="events"
        )
    return chosen


def webhooks_of(*, actor: Actor) -> QuerySet[Webhook]:
    """The agency's webhooks, the oldest first."""
    return Webhook.objects.filter(agency_id=_agency_of(actor)).order_by("pk")


def webhook_get(*, actor: Actor, webhook_id: int) -> Webhook:
    """One of the agency's webhooks; another agency's does not exist for it."""
    webhook = Webhook.objects.filter(pk=webhook_id, agency_id=_agency_of(actor)).first()
    if webhook is None:
        raise NotFound(_("Webhook tidak ditemukan."), code="webhook_not_found")
    return webhook


@transaction.atomic
def webhook_create(
    *, actor: Actor, url: str, events: Sequence[str], now: datetime | None = None
) -> NewWebhook:
    agency_id = _agency_of(actor)
    url, chosen = _clean_url(url), _clean_events(events)
    existing = Webhook.objects.select_for_update().filter(agency_id=agency_id)
    if len(existing) >= WEBHOOKS_MAX:
        raise Conflict(
            _("Satu instansi paling banyak punya %(count)d webhook.") % {"count": WEBHOOKS_MAX},
            code="too_many_webhooks",
        )
    secret = _new_secret()
    webhook = Webhook.objects.create(
        agency_id=agency_id,
        url=url,
        events=chosen,
        secret=secret,
        created_at=now or timezone.now(),
    )
    return NewWebhook(webhook=webhook, secret=secret)


def webhook_update(
    *,
    actor: Actor,
    webhook_id: int,
    url: str | None = None,
    events: Sequence[str] | None = None,
    active: bool | None = None,
) -> Webhook:
    """Changes what was given. Turned on again, it sends what waited meanwhile."""
    webhook = webhook_get(actor=actor, webhook_id=webhook_id)
    if url is not None:
        webhook.url = _clean_url(url)
    if events is not None:
        webhook.events = _clean_events(events)
    if active is not None:
        webhook.is_active = active
    webhook.save(update_fields=["url", "events", "is_active"])
    return webhook


def webhook_rotate_secret(*, actor: Actor, webhook_id: int) -> NewWebhook:
    """A new signing secret, at once: deliveries from now on are signed with it."""
    webhook = webhook_get(actor=actor, webhook_id=webhook_id)
    webhook.secret = _new_secret()
    webhook.save(update_fields=["secret"])
    return NewWebhook(webhook=webhook, secret=webhook.secret)


def webhook_delete(*, actor: Actor, webhook_id: int) -> None:
    """The webhook and its delivery log are gone; nothing more is sent to it."""
    webhook_get(actor=actor, webhook_id=webhook_id).delete()


def webhook_deliveries(*, actor: Actor, webhook_id: int) -> QuerySet[Delivery]:
    """A webhook's delivery log, the latest first."""
    webhook = webhook_get(actor=actor, webhook_id=webhook_id)
    return webhook.deliveries.select_related("report").order_by("-pk")


@transaction.atomic
def delivery_replay(*, actor: Actor, webhook_id: int, delivery_id: int) -> Delivery:
    """Sends a logged delivery again, as a new delivery (with its own id) at the end
    of the webhook's queue."""
    webhook = webhook_get(actor=actor, webhook_id=webhook_id)
    original = webhook.deliveries.filter(pk=delivery_id).first()
    if original is None:
        raise NotFound(_("Pengiriman tidak ditemukan."), code="delivery_not_found")
    if original.status == Delivery.Status.PENDING:
        raise Conflict(_("Pengiriman ini masih menunggu giliran."), code="delivery_pending")
    replay = _queue(
        webhook,
        event=original.event,
        report_id=original.report_id,
        data=original.payload["data"],
        now=timezone.now(),
        replay_of=original,
    )
    return replay


# -- telling of events ---------------------------------------------------------------


def _event_of(event: ReportEvent) -> str | None:
    if event.to_state == State.CLOSED and event.from_state != State.CLOSED:
        return WebhookEvent.CLOSED
    return _EVENT_OF_ACTION.get(event.action)


def _event_data(report: Report, event: ReportEvent) -> dict[str, Any]:
    """What a delivery says: the report's number and where it stands; nothing a
    reporter wrote, nothing of who they are."""
    agency = report.agency
    return {
        "tracking_number": report.tracking_number,
        "report_type": report.type,
        "state": report.state,
        "action": event.action,
        "occurred_at": event.created_at.isoformat(),
        "agency": {"id": agency.pk, "code": agency.code} if agency is not None else None,
        "unit": report.unit_id,
        "deadline_kind": report.deadline_kind,
        "deadline_at": report.deadline_at.isoformat() if report.deadline_at else None,
    }


def _queue(
    webhook: Webhook,
    *,
    event: str,
    report_id: int | None,
    data: dict[str, Any],
    now: datetime,
    replay_of: Delivery | None = None,
) -> Delivery:
    return Delivery.objects.create(
        webhook=webhook,
        message_id=f"msg_{uuid.uuid4().hex}",
        event=event,
        report_id=report_id,
        payload={"type": event, "timestamp": now.isoformat(), "data": data},
        next_attempt_at=now,
        created_at=now,
        replay_of=replay_of,
        request_id=request_id(),
    )


def webhooks_follow(*, report: Report, event: ReportEvent, now: datetime) -> None:
    """The reports' follower (``core/followers.py``): the systems of the agencies
    handling the report hear of the events they subscribed to (disposition, the
    reporter's reply, re-opening, closing, a reminder) through their webhooks."""
    webhook_events_record(report=report, event=event)


def webhook_events_record(*, report: Report, event: ReportEvent) -> list[Delivery]:
    """Queues a delivery of ``event`` to every active webhook that asked for it of
    the agencies handling the report (the agency and its parent agency), in the
    caller's transaction; they leave after it commits."""
    name = _event_of(event)
    if name is None or report.agency_id is None:
        return []
    agency_ids = [report.agency_id]
    if report.agency is not None and report.agency.parent_id is not None:
        agency_ids.append(report.agency.parent_id)
    webhooks = [
        webhook
        for webhook in Webhook.objects.filter(agency_id__in=agency_ids, is_active=True)
        if name in webhook.events
    ]
    data = _event_data(report, event)
    deliveries = [
        _queue(webhook, event=name, report_id=report.pk, data=data, now=event.created_at)
        for webhook in webhooks
    ]
    return deliveries


# -- sending -------------------------------------------------------------------------


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value for one attempt."""
    key = base64.b64decode(secret.removeprefix(SECRET_START))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _connect(addresses: list[IPAddress], port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to the first of the checked addresses that answers."""
    failure: OSError = OSError("no address to connect to")
    for address in addresses:
        try:
            # A literal address: nothing is resolved here.
            return socket.create_connection((str(address), port), timeout)
        except OSError as error:
            failure = error
    raise failure


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to the checked addresses; the Host header still names the host."""

    def __init__(self, host: str, *, addresses: list[IPAddress], **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked addresses, for the URL's host name: it is the name sent as
    SNI and the name the certificate is verified for."""

    def __init__(
        self, host: str, *, addresses: list[IPAddress], tls: ssl.SSLContext, **kwargs: Any
    ) -> None:
        super().__init__(host, context=tls, **kwargs)
        self.addresses = addresses
        self.tls = tls

    def connect(self) -> None:
        sock = _connect(self.addresses, self.port, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, addresses: list[IPAddress]) -> None:
        super().__init__()
        self.addresses = addresses

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(host: str, /, **kwargs: Any) -> http.client.HTTPConnection:
            return _PinnedHTTPConnection(host, addresses=self.addresses, **kwargs)

        return self.do_open(connection, req)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, addresses: list[IPAddress]) -> None:
        # The system's trusted CAs and the host name checked; made per delivery, so a
        # changed CA bundle counts at once.
        self.tls = ssl.create_default_context()
        super().__init__(context=self.tls)
        self.addresses = addresses

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(host: str, /, **kwargs: Any) -> http.client.HTTPConnection:
            return _PinnedHTTPSConnection(host, addresses=self.addresses, tls=self.tls, **kwargs)

        return self.do_open(connection, req)


def _opener(addresses: list[IPAddress]) -> urllib.request.OpenerDirector:
    """An opener that speaks http(s) to the checked addresses only: no proxy (it
    would resolve the name again), and no redirects (a redirect is the receiver's
    answer, a failure, not a place to go)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.UnknownHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        _PinnedHTTPHandler(addresses),
        _PinnedHTTPSHandler(addresses),
    ):
        opener.add_handler(handler)
    return opener


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    status_code: int | None
    error: str


def _post(webhook: Webhook, delivery: Delivery) -> Outcome:
    """One attempt: the host resolved once, every address checked, the request sent
    to those addresses. A refused address is a failed attempt like any other."""
    try:
        addresses = _checked_addresses(urlsplit(webhook.url).hostname or "")
    except AddressRefused as refused:
        return Outcome(ok=False, status_code=None, error=f"refused: {refused}")
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(timezone.now().timestamp())
    # The URL was checked to be http(s) when it was registered.
    request = urllib.request.Request(  # noqa: S310
        webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "aduan-webhooks/1",
            "webhook-id": delivery.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(
                secret=webhook.secret,
                message_id=delivery.message_id,
                timestamp=timestamp,
                body=body,
            ),
        },
    )
    try:
        with _opener(addresses).open(request, timeout=TIMEOUT_SECONDS) as response:
            return Outcome(ok=True, status_code=response.status, error="")
    except urllib.error.HTTPError as error:
        return Outcome(ok=False, status_code=error.code, error=f"HTTP {error.code}")
    # Refused, unreachable, timed out, bad TLS, or an answer that is not HTTP.
    except (OSError, ValueError, http.client.HTTPException) as error:
        return Outcome(ok=False, status_code=None, error=f"{type(error).__name__}: {error}")


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    wait: timedelta = RETRY_FIRST * 2 ** (attempts - 1)
    return min(wait, RETRY_MAX)


def _record(delivery: Delivery, outcome: Outcome, now: datetime) -> None:
    delivery.attempts += 1
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error[:_ERROR_MAX]
    if outcome.ok:
        delivery.status = Delivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )


def webhook_deliver(*, webhook_id: int, now: datetime | None = None) -> int:
    """Sends a webhook's due deliveries, oldest first, until one fails or is not due
    yet (then a task is scheduled for its time); how many attempts were made. Only
    one worker sends to a webhook at a time: it holds a lease, taken with a
    conditional update."""
    now = now or timezone.now()
    claimed = (
        Webhook.objects.filter(pk=webhook_id, is_active=True)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
        .update(leased_until=now + LEASE)
    )
    if not claimed:
        return 0
    attempts = 0
    try:
        webhook = Webhook.objects.get(pk=webhook_id)
        while attempts < RUN_MAX:
            delivery = (
                webhook.deliveries.filter(status=Delivery.Status.PENDING).order_by("pk").first()
            )
            if delivery is None:
                return attempts
            assert delivery.next_attempt_at is not None
            if delivery.next_attempt_at > now:
                return attempts
            with request_id_bound(delivery.request_id):
                outcome = _post(webhook, delivery)
                attempts += 1
                _record(delivery, outcome, now)
                if not outcome.ok:
                    logger.info(
                        "webhook %s: delivery %s failed (%s)",
                        webhook_id,
                        delivery.pk,
                        outcome.error,
                    )
            if not outcome.ok and delivery.status == Delivery.Status.PENDING:
                return attempts
        return attempts  # more to send: the worker's next round, after others' turn
    finally:
        Webhook.objects.filter(pk=webhook_id).update(leased_until=None)


def webhooks_deliver_due(*, now: datetime | None = None) -> int:
    """For the worker's sweep: sends what is due on every webhook (a task that was
    lost, a queue that was down); how many attempts were made."""
    now = now or timezone.now()
    due = (
        Delivery.objects.filter(
            status=Delivery.Status.PENDING, next_attempt_at__lte=now, webhook__is_active=True
        )
        .values_list("webhook_id", flat=True)
        .distinct()
    )
    return sum(webhook_deliver(webhook_id=webhook_id, now=now) for webhook_id in list(due))
