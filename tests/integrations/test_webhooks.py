"""Webhooks: an agency registers URLs for events; each event of its reports is queued
in the change's transaction and delivered, signed, to a real HTTP receiver on
loopback — in order, retried with back-off, given up after the last attempt, and
replayable from the delivery log."""

import base64
import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from standardwebhooks import Webhook as StandardWebhook

from aduan.integrations import webhooks
from aduan.integrations.models import Delivery, Scope, Webhook, WebhookEvent
from aduan.integrations.services import api_key_issue
from aduan.lib.errors import Conflict, InvalidInput, NotFound, NotPermitted
from aduan.lib.requestid import request_id, request_id_bound
from aduan.reports import services
from aduan.reports.models import Report
from tests.api.conftest import call, problem
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

EVERY_EVENT = list(WebhookEvent.values)


# -- a receiver on loopback ----------------------------------------------------------


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An HTTP server that answers ``failures`` requests with 500 (or ``status``)
    before it accepts; ``accepted`` is its log of what it took, in order."""

    url: str
    failures: int = 0
    status: int = 500
    requests: list[Received] = field(default_factory=list)
    accepted: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received = Received(headers={k.lower(): v for k, v in self.headers.items()}, body=body)
            state.requests.append(received)
            if state.failures > 0:
                state.failures -= 1
                self.send_response(state.status)
                if state.status in (301, 302, 307):
                    self.send_header("Location", state.url + "/elsewhere")
                self.end_headers()
                return
            state.accepted.append(received)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/aduan"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def independent_signature(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The Standard Webhooks check, written from the scheme's description."""
    key = base64.b64decode(secret.split("_", 1)[1])
    lowered = {name.lower(): value for name, value in headers.items()}
    content = f"{lowered['webhook-id']}.{lowered['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(part.split(",", 1)[1], expected)
        for part in lowered["webhook-signature"].split()
        if part.startswith("v1,")
    )


def _events(received: list[Received]) -> list[tuple[str, str]]:
    return [
        (json.loads(r.body)["type"], json.loads(r.body)["data"]["tracking_number"])
        for r in received
    ]


def _deliver_until_idle(webhook: Webhook, *, start: datetime, steps: int = 20) -> datetime:
    """Runs the worker's side as time passes: at each step, to the next due time."""
    now = start
    for _ in range(steps):
        webhooks.webhook_deliver(webhook_id=webhook.pk, now=now)
        pending = webhook.deliveries.filter(status=Delivery.Status.PENDING).order_by("pk").first()
        if pending is None:
            return now
        assert pending.next_attempt_at is not None
        now = max(now, pending.next_attempt_at)
    raise AssertionError("deliveries still pending")


# -- registering ---------------------------------------------------------------------


def test_a_webhook_is_registered_with_a_secret_shown_once(cast: Cast, receiver: Receiver) -> None:
    made = webhooks.webhook_create(
        actor=cast.integration, url=receiver.url, events=["report.closed", "report.replied"]
    )
    assert made.secret.startswith("whsec_") and len(base64.b64decode(made.secret[6:])) == 32
    assert made.webhook.events == ["report.closed", "report.replied"]
    assert made.webhook.agency_id == cast.kota.pk
    # The agency admin manages the same webhooks in the back office.
    assert list(webhooks.webhooks_of(actor=cast.agency_admin)) == [made.webhook]
    for outsider in (cast.other_integration, cast.other_agency_admin):
        with pytest.raises(NotFound):
            webhooks.webhook_get(actor=outsider, webhook_id=made.webhook.pk)
    for nobody in (cast.liaison, cast.national, cast.supervisor, cast.owner, cast.public):
        with pytest.raises(NotPermitted):
            webhooks.webhooks_of(actor=nobody)


@pytest.mark.parametrize(
    ("url", "events", "code"),
    [
        ("ftp://example.org/x", EVERY_EVENT, "invalid_url"),
        ("sistem-kami", EVERY_EVENT, "invalid_url"),
        ("https://user:sandi@example.org/x", EVERY_EVENT, "invalid_url"),
        ("https://example.org/x", [], "unknown_event"),
        ("https://example.org/x", ["report.deleted"], "unknown_event"),
    ],
)
def test_bad_webhooks_are_refused(cast: Cast, url: str, events: list[str], code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        webhooks.webhook_create(actor=cast.integration, url=url, events=events)
    assert refused.value.code == code
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x",  # not https
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.1.2.3/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
    ],
)
def test_in_production_a_webhook_must_be_https_on_the_public_internet(
    cast: Cast, settings: Any, url: str
) -> None:
    settings.WEBHOOK_ALLOW_LOCAL = False
    with pytest.raises(InvalidInput) as refused:
        webhooks.webhook_create(actor=cast.integration, url=url, events=EVERY_EVENT)
    assert refused.value.code in ("invalid_url", "url_not_public")


def test_an_agency_has_at_most_ten_webhooks(cast: Cast) -> None:
    for n in range(webhooks.WEBHOOKS_MAX):
        webhooks.webhook_create(
            actor=cast.integration, url=f"http://127.0.0.1:9/{n}", events=EVERY_EVENT
        )
    with pytest.raises(Conflict):
        webhooks.webhook_create(
            actor=cast.integration, url="http://127.0.0.1:9/x", events=EVERY_EVENT
        )


# -- what is told --------------------------------------------------------------------


def test_the_agencys_events_are_queued_for_the_webhooks_that_asked(
    cast: Cast, receiver: Receiver, make_report: Callable[..., Report]
) -> None:
    everything = webhooks.webhook_create(
        actor=cast.integration, url=receiver.url, events=EVERY_EVENT
    )
    closing = webhooks.webhook_create(
        actor=cast.agency_admin, url=receiver.url + "/selesai", events=["report.closed"]
    )
    elsewhere = webhooks.webhook_create(
        actor=cast.other_integration, url=receiver.url, events=EVERY_EVENT
    )
    report = make_report(anonymous=True)
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    services.report_follow_up(actor=cast.agency_admin, report=report, text="Ditangani.")
    services.report_answer(actor=cast.agency_admin, report=report, text="Selesai.")
    services.report_reopen(actor=cast.owner, report=report, reason="Belum diperbaiki.")
    services.report_reply(actor=cast.owner, report=report, text="Lubangnya masih ada.")
    services.report_answer(actor=cast.agency_admin, report=report, text="Sudah ditambal.")
    services.report_confirm(actor=cast.owner, report=report, rating=5)

    told = list(everything.webhook.deliveries.order_by("pk").values_list("event", flat=True))
    assert told == [
        "report.dispositioned",
        "report.reopened",
        "report.replied",
        "report.closed",
    ]
    assert list(closing.webhook.deliveries.values_list("event", flat=True)) == ["report.closed"]
    assert not elsewhere.webhook.deliveries.exists()

    payload = everything.webhook.deliveries.order_by("pk").first().payload  # type: ignore[union-attr]
    assert payload["type"] == "report.dispositioned"
    assert payload["data"]["tracking_number"] == report.tracking_number
    assert payload["data"]["agency"] == {"id": cast.kota.pk, "code": cast.kota.code}
    # Nothing the reporter wrote, nothing of who they are.
    flat = json.dumps([d.payload for d in Delivery.objects.all()])
    for private in ("Lubangnya masih ada", "Belum diperbaiki", report.body, "ani"):
        assert private not in flat


def test_a_delivery_is_sent_under_the_id_of_the_request_that_queued_it(
    cast: Cast, receiver: Receiver, make_report: Callable[..., Report], monkeypatch: Any
) -> None:
    made = webhooks.webhook_create(actor=cast.integration, url=receiver.url, events=EVERY_EVENT)
    report = make_report()
    with request_id_bound("req-disposition-01"):
        services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    delivery = made.webhook.deliveries.get()
    assert delivery.request_id == "req-disposition-01"
    seen: list[str] = []
    post = webhooks._post

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(request_id())
        return post(*args, **kwargs)

    monkeypatch.setattr(webhooks, "_post", watched)
    _deliver_until_idle(made.webhook, start=timezone.now())
    assert seen == ["req-disposition-01"] and request_id() == ""


def test_a_change_that_is_rolled_back_tells_nobody(
    cast: Cast, receiver: Receiver, make_report: Callable[..., Report]
) -> None:
    made = webhooks.webhook_create(actor=cast.integration, url=receiver.url, events=EVERY_EVENT)
    report = make_report()

    def fails_after_disposing() -> None:
        with transaction.atomic():
            services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
            raise RuntimeError("the request failed later")

    with pytest.raises(RuntimeError):
        fails_after_disposing()
    assert not made.webhook.deliveries.exists()


def test_a_supervisors_reminder_is_told_as_a_deadline_reminder(
    cast: Cast, receiver: Receiver, dispositioned: Callable[..., Report]
) -> None:
    made = webhooks.webhook_create(
        actor=cast.integration, url=receiver.url, events=["report.deadline_reminder"]
    )
    report = dispositioned(now=timezone.now() - timedelta(days=30))
    services.report_remind(actor=cast.supervisor, report=report)
    assert list(made.webhook.deliveries.values_list("event", flat=True)) == [
        "report.deadline_reminder"
    ]


# -- delivering ----------------------------------------------------------------------


def test_a_receiver_that_fails_twice_gets_each_event_once_in_order(
    cast: Cast, receiver: Receiver, make_report: Callable[..., Report]
) -> None:
    made = webhooks.webhook_create(actor=cast.integration, url=receiver.url, events=EVERY_EVENT)
    reports = [make_report(title=f"Laporan {n}") for n in range(3)]
    for report in reports:
        services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    receiver.failures = 2
    start = timezone.now()

    webhooks.webhook_deliver(webhook_id=made.webhook.pk, now=start)
    first = made.webhook.deliveries.order_by("pk").first()
    assert first is not None and first.attempts == 1 and first.last_status_code == 500
    assert first.next_attempt_at == start + webhooks.RETRY_FIRST
    # The others wait behind it: nothing but the first was tried.
    assert {r.headers["webhook-id"] for r in receiver.requests} == {first.message_id}
    webhooks.webhook_deliver(webhook_id=made.webhook.pk, now=start + timedelta(seconds=10))
    assert len(receiver.requests) == 1  # not due yet

    _deliver_until_idle(made.webhook, start=start + webhooks.RETRY_FIRST)
    first.refresh_from_db()
    assert first.attempts == 3 and first.status == Delivery.Status.DELIVERED
    assert _events(receiver.accepted) == [
        ("report.dispositioned", report.tracking_number) for report in reports
    ]
    assert len(receiver.requests) == 5
    # Every attempt of one delivery carries the same id; each is signed.
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert ids[:3] == [first.message_id] * 3 and len(set(ids)) == 3
    for received in receiver.requests:
        assert independent_signature(made.secret, received.headers, received.body)
        StandardWebhook(made.secret).verify(received.body, received.headers)
        assert received.headers["content-type"] == "application/json"


def test_a_forged_or_altered_delivery_fails_verification(
    cast: Cast, receiver: Receiver, make_report: Callable[..., Report]
) -> None:
    made = webhooks.webhook_create(actor=cast.integration, url=receiver.url, events=EVERY_EVENT)
    report = make_report()
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    webhooks.webhook_deliver(webhook_id=made.webhook.pk)
    [received] = receiver.accepted
    altered = received.body.replace(b"dispositioned", b"closed")
    assert not independent_signature(made.secret, received.headers, altered)
    other_secret = webhooks.webhook_rotate_secret(
        actor=cast.integration, webhook_id=made.webhook.pk
    )
    assert not independent_signature(other_secret.secret, received.headers, received.body)


def test_a_redirect_is_a_failure_not_a_place_to_go(
    cast: Cast, receiver: Receiver, make_report: Callable[..., Report]
) -> None:
    made = webhooks.webhook_create(actor=cast.integration, url=receiver.url, events=EVERY_EVENT)
    report = make_report()
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    receiver.failures, receiver.status = 1, 302
    webhooks.webhook_deliver(webhook_id=made.webhook.pk)
    delivery = made.webhook.deliveries.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.last_status_code == 302
    assert len(receiver.requests) == 1 and not receiver.accepted


def test_after_the_last_attempt_a_delivery_is_given_up_then_replayed(
    cast: Cast, receiver: Receiver, make_report: Callable[..., Report]
) -> None:
    made = webhooks.webhook_create(actor=cast.integration, url=receiver.url, events=EVERY_EVENT)
    reports = [make_report(title=f"Laporan {n}") for n in range(2)]
    for report in reports:
        services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    receiver.failures = webhooks.MAX_ATTEMPTS
    waits = [webhooks.retry_delay(n) for n in range(1, webhooks.MAX_ATTEMPTS)]
    assert waits[0] == timedelta(seconds=30) and waits[-1] == webhooks.RETRY_MAX
    assert all(later >= earlier for earlier, later in itertools.pairwise(waits))

    _deliver_until_idle(made.webhook, start=timezone.now(), steps=webhooks.MAX_ATTEMPTS + 2)
    given_up, second = made.webhook.deliveries.order_by("pk")
    assert given_up.status == Delivery.Status.FAILED
    assert given_up.attempts == webhooks.MAX_ATTEMPTS
    # The next one was not held back forever.
    assert second.status == Delivery.Status.DELIVERED
    assert _events(receiver.accepted) == [("report.dispositioned", reports[1].tracking_number)]

    replay = webhooks.delivery_replay(
        actor=cast.integration, webhook_id=made.webhook.pk, delivery_id=given_up.pk
    )
    assert replay.replay_of_id == given_up.pk and replay.message_id != given_up.message_id
    webhooks.webhook_deliver(webhook_id=made.webhook.pk)
    assert _events(receiver.accepted)[-1] == ("report.dispositioned", reports[0].tracking_number)
    with pytest.raises(NotFound):
        webhooks.delivery_replay(
            actor=cast.other_integration, webhook_id=made.webhook.pk, delivery_id=given_up.pk
        )


def test_a_webhook_turned_off_keeps_its_queue_for_when_it_is_on_again(
    cast: Cast, receiver: Receiver, make_report: Callable[..., Report]
) -> None:
    made = webhooks.webhook_create(actor=cast.integration, url=receiver.url, events=EVERY_EVENT)
    webhooks.webhook_update(actor=cast.integration, webhook_id=made.webhook.pk, active=False)
    report = make_report()
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    assert not made.webhook.deliveries.exists()  # an inactive webhook is told nothing
    webhooks.webhook_update(actor=cast.integration, webhook_id=made.webhook.pk, active=True)
    services.report_follow_up(actor=cast.agency_admin, report=report, text="Ditangani.")
    services.report_answer(actor=cast.agency_admin, report=report, text="Selesai.")
    services.report_confirm(actor=cast.owner, report=report, rating=4)
    webhooks.webhook_update(actor=cast.integration, webhook_id=made.webhook.pk, active=False)
    assert webhooks.webhook_deliver(webhook_id=made.webhook.pk) == 0
    webhooks.webhook_update(actor=cast.integration, webhook_id=made.webhook.pk, active=True)
    webhooks.webhook_deliver(webhook_id=made.webhook.pk)
    assert _events(receiver.accepted) == [("report.closed", report.tracking_number)]


def test_the_sweep_sends_what_a_lost_task_left(
    cast: Cast, receiver: Receiver, make_report: Callable[..., Report]
) -> None:
    made = webhooks.webhook_create(actor=cast.integration, url=receiver.url, events=EVERY_EVENT)
    report = make_report()
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    assert webhooks.webhooks_deliver_due() == 1
    assert webhooks.webhooks_deliver_due() == 0
    assert made.webhook.deliveries.get().status == Delivery.Status.DELIVERED


def test_in_production_delivery_to_a_private_address_is_refused(
    cast: Cast, receiver: Receiver, settings: Any, make_report: Callable[..., Report]
) -> None:
    made = webhooks.webhook_create(actor=cast.integration, url=receiver.url, events=EVERY_EVENT)
    report = make_report()
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    settings.WEBHOOK_ALLOW_LOCAL = False  # the URL was registered before the change
    webhooks.webhook_deliver(webhook_id=made.webhook.pk)
    delivery = made.webhook.deliveries.get()
    assert delivery.status == Delivery.Status.PENDING and "public" in delivery.last_error
    assert not receiver.requests


# -- through the API -----------------------------------------------------------------


def test_webhooks_and_their_log_through_the_api(
    client: Client, cast: Cast, receiver: Receiver, make_report: Callable[..., Report]
) -> None:
    key = api_key_issue(actor=cast.agency_admin, name="SP4N", scopes=[Scope.WEBHOOKS]).secret
    other = api_key_issue(actor=cast.other_agency_admin, name="Kab", scopes=[Scope.WEBHOOKS]).secret
    body = {"url": receiver.url, "events": ["report.dispositioned", "report.closed"]}
    response = call(client, "post", "/api/v1/agency/webhooks", key, json=body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_") and created["active"] is True
    webhook_url = f"/api/v1/agency/webhooks/{created['id']}"

    listed = call(client, "get", "/api/v1/agency/webhooks", key).json()
    assert [w["id"] for w in listed] == [created["id"]] and "secret" not in listed[0]
    assert call(client, "get", "/api/v1/agency/webhooks", other).json() == []
    problem(call(client, "get", webhook_url, other), 404, "webhook_not_found")
    problem(call(client, "delete", webhook_url, other), 404, "webhook_not_found")

    problem(
        call(client, "post", "/api/v1/agency/webhooks", key, json={**body, "events": ["x"]}),
        422,
        "validation_failed",
    )
    response = call(client, "post", "/api/v1/agency/webhooks", key, json={**body, "url": "nope"})
    problem(response, 400, "invalid_url")

    report = make_report()
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    receiver.failures = 1
    webhooks.webhook_deliver(webhook_id=created["id"])
    log = call(client, "get", f"{webhook_url}/deliveries", key).json()
    assert log["count"] == 1
    [entry] = log["items"]
    assert entry["status"] == "pending" and entry["last_status_code"] == 500
    assert entry["tracking_number"] == report.tracking_number and entry["attempts"] == 1
    problem(
        call(client, "post", f"{webhook_url}/deliveries/{entry['id']}/replay", key),
        409,
        "delivery_pending",
    )
    _deliver_until_idle(Webhook.objects.get(pk=created["id"]), start=timezone.now())
    response = call(client, "post", f"{webhook_url}/deliveries/{entry['id']}/replay", key)
    assert response.status_code == 202 and response.json()["replay_of"] == entry["id"]
    log = call(client, "get", f"{webhook_url}/deliveries", key, data={"page_size": 1}).json()
    assert log["count"] == 2 and log["items"][0]["replay_of"] == entry["id"]
    assert log["next_cursor"] is not None

    patched = call(client, "patch", webhook_url, key, json={"active": False}).json()
    assert patched["active"] is False and patched["events"] == sorted(body["events"])
    rotated = call(client, "post", f"{webhook_url}/secret", key).json()
    assert rotated["secret"] != created["secret"]
    assert call(client, "delete", webhook_url, key).status_code == 204
    assert not Webhook.objects.exists() and not Delivery.objects.exists()
