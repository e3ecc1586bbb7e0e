"""Where a webhook may call (SSRF): only hosts on the public internet, judged for every
address the host name stands for, IPv6 forms that carry an IPv4 address judged by the
address they carry; and the address checked is the address connected to, so a name
that answers differently the second time (DNS rebinding) reaches nothing inside.

The resolver is stood in for at its one seam, ``webhooks.resolve``; the servers are
real, on loopback, and the TLS handshake is real (a throwaway CA from trustme)."""

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import pytest
import trustme
from django.test import Client
from django.utils import timezone

from aduan.integrations import webhooks
from aduan.integrations.models import Delivery, Scope, Webhook
from aduan.integrations.services import api_key_issue
from aduan.lib.errors import InvalidInput
from aduan.lib.netaddr import is_public, may_call
from aduan.reports import services
from aduan.reports.models import Report
from tests.api.conftest import call, problem
from tests.backoffice.conftest import StaffClient, client_of, staff_client
from tests.reports.conftest import Cast

__all__ = ["staff_client"]

EVENTS = ["report.dispositioned"]
PUBLIC = "8.8.8.8"

# Every form that must be refused, with why.
REFUSED = [
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("127.0.0.1", "loopback"),
    ("::1", "loopback"),
    ("0.0.0.0", "unspecified (reaches this machine on Linux)"),  # noqa: S104
    ("::", "unspecified"),
    ("169.254.169.254", "link-local: cloud metadata"),
    ("fe80::1", "link-local"),
    ("100.64.0.1", "shared address space"),
    ("198.18.0.1", "benchmarking"),
    ("2001:2::1", "benchmarking"),
    ("192.0.2.1", "documentation"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("ff0e::1", "multicast, global scope"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "broadcast"),
    ("100::1", "discard-only"),
    ("fd12:3456::1", "unique local"),
    ("fec0::1", "site-local"),
    ("::ffff:10.0.0.1", "IPv4-mapped, private"),
    ("::ffff:127.0.0.1", "IPv4-mapped, loopback"),
    ("::ffff:169.254.169.254", "IPv4-mapped, link-local"),
    ("::ffff:224.0.0.1", "IPv4-mapped, multicast"),
    ("::10.0.0.1", "IPv4-compatible, private"),
    ("::8.8.8.8", "IPv4-compatible (deprecated), whatever it carries"),
    ("64:ff9b::10.0.0.1", "NAT64, private"),
    ("64:ff9b::127.0.0.1", "NAT64, loopback"),
    ("64:ff9b::224.0.0.1", "NAT64, multicast"),
    ("64:ff9b::100.64.0.1", "NAT64, shared"),
    ("64:ff9b:1::808:808", "NAT64 for local use"),
    ("64:ff9b:1::a00:1", "NAT64 for local use, private"),
    ("2002:a00:1::1", "6to4 of 10.0.0.1"),
    ("2002:7f00:1::1", "6to4 of 127.0.0.1"),
    ("2002:808:808::1", "6to4 (deprecated), whatever it carries"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
    ("2001::1", "Teredo"),
]
ALLOWED = [
    ("8.8.8.8", "public IPv4"),
    ("1.1.1.1", "public IPv4"),
    ("93.184.215.14", "public IPv4"),
    ("2606:4700::1111", "public IPv6"),
    ("2001:4860:4860::8888", "public IPv6"),
    ("::ffff:8.8.8.8", "IPv4-mapped, public"),
    ("64:ff9b::8.8.8.8", "NAT64 of a public address (DNS64 on an IPv6-only network)"),
]
# With WEBHOOK_ALLOW_LOCAL (demo, tests): this machine and private-use networks too.
LOCAL_ALLOWED = ["127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "fd00::1"]
LOCAL_STILL_REFUSED = [
    "169.254.169.254",
    "fe80::1",
    "224.0.0.1",
    "ff02::1",
    "0.0.0.0",  # noqa: S104
    "::",
    "255.255.255.255",
    "100.64.0.1",
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
]


# -- the rules -------------------------------------------------------------------------


@pytest.mark.parametrize(("address", "why"), REFUSED)
def test_an_address_that_is_not_public_is_refused(address: str, why: str) -> None:
    assert not is_public(ip_address(address)), why
    assert not may_call(ip_address(address), allow_local=False), why


@pytest.mark.parametrize(("address", "why"), ALLOWED)
def test_a_public_address_is_allowed(address: str, why: str) -> None:
    assert is_public(ip_address(address)), why


@pytest.mark.parametrize("address", LOCAL_ALLOWED)
def test_a_demo_may_call_this_machine_and_private_networks(address: str) -> None:
    assert may_call(ip_address(address), allow_local=True)
    assert not may_call(ip_address(address), allow_local=False)


@pytest.mark.parametrize("address", LOCAL_STILL_REFUSED)
def test_a_demo_still_may_not_call_metadata_multicast_or_special_addresses(address: str) -> None:
    assert not may_call(ip_address(address), allow_local=True)


def test_the_real_resolver_answers_addresses_and_fails_as_oserror() -> None:
    addresses = webhooks.resolve("localhost")
    assert addresses and all(address.is_loopback for address in addresses)
    with pytest.raises(OSError, match="label"):
        webhooks.resolve("a" * 64 + ".test")  # a label IDNA cannot encode


# -- a resolver of our own, and servers on loopback -------------------------------------


@dataclass
class Resolver:
    """Answers each name from a script, one answer per question (the last one
    repeats); a name without a script does not resolve. ``asked`` logs questions."""

    script: dict[str, list[list[str]]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def __call__(self, host: str) -> list[Any]:
        self.asked.append(host)
        answers = self.script.get(host)
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return [ip_address(address) for address in answer]


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    stand_in = Resolver()
    monkeypatch.setattr(webhooks, "resolve", stand_in)
    return stand_in


@dataclass
class Server:
    """A real HTTP(S) server on loopback: every TCP connection it accepted, every
    request it read (its Host header), every TLS server name it was asked for."""

    port: int
    connections: int = 0
    hosts: list[str] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    running: list[ThreadingHTTPServer] = []

    def start(tls: ssl.SSLContext | None = None, answer: bytes | None = None) -> Server:
        class Counting(ThreadingHTTPServer):
            def verify_request(self, request: Any, client_address: Any) -> bool:
                state.connections += 1
                return True

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                state.hosts.append(self.headers["Host"])
                if answer is not None:  # not HTTP at all
                    self.wfile.write(answer)
                    return
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = Counting(("127.0.0.1", 0), Handler)
        state = Server(port=server.server_port)
        if tls is not None:
            tls.sni_callback = lambda _sock, name, _ctx: state.server_names.append(name)
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        running.append(server)
        return state

    yield start
    for server in running:
        server.shutdown()
        server.server_close()


@pytest.fixture
def certificate_authority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    """A CA the client trusts for this test (and no other), as a system bundle would."""
    authority = trustme.CA()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    return authority


def _tls_for(authority: trustme.CA, name: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(name).configure_cert(context)
    return context


def _queued(cast: Cast, url: str, make_report: Callable[..., Report]) -> Webhook:
    made = webhooks.webhook_create(actor=cast.integration, url=url, events=EVENTS)
    report = make_report()
    services.report_dispose(actor=cast.national, report=report, agency_id=cast.kota.pk)
    return made.webhook


# -- registering -----------------------------------------------------------------------


@pytest.mark.django_db
def test_in_production_a_name_that_stands_for_any_refused_address_is_refused(
    cast: Cast, resolver: Resolver, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_LOCAL = False
    for address, why in REFUSED:
        resolver.script["hooks.example.test"] = [[address]]
        with pytest.raises(InvalidInput) as refused:
            webhooks.webhook_create(
                actor=cast.integration, url="https://hooks.example.test/aduan", events=EVENTS
            )
        assert refused.value.code == "url_not_public", why
        assert refused.value.field == "url"
    assert not Webhook.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "https://[64:ff9b::a00:1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://[2002:7f00:1::1]/x",
        "https://[ff02::1]/x",
        "https://224.0.0.1/x",
        "https://100.64.0.1/x",
        "https://198.18.0.1/x",
    ],
)
def test_in_production_an_address_written_in_the_url_is_checked_as_is(
    cast: Cast, resolver: Resolver, settings: Any, url: str
) -> None:
    settings.WEBHOOK_ALLOW_LOCAL = False
    with pytest.raises(InvalidInput) as refused:
        webhooks.webhook_create(actor=cast.integration, url=url, events=EVENTS)
    assert refused.value.code == "url_not_public"
    assert resolver.asked == []


@pytest.mark.django_db
def test_every_address_of_a_name_must_be_public_and_the_name_must_resolve(
    cast: Cast, resolver: Resolver, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_LOCAL = False
    resolver.script["mixed.example.test"] = [[PUBLIC, "2606:4700::1111", "10.0.0.7"]]
    for url in ("https://mixed.example.test/x", "https://unknown.example.test/x"):
        with pytest.raises(InvalidInput) as refused:
            webhooks.webhook_create(actor=cast.integration, url=url, events=EVENTS)
        assert refused.value.code == "url_not_public"
    resolver.script["hooks.example.test"] = [[PUBLIC, "2606:4700::1111", "64:ff9b::8.8.4.4"]]
    made = webhooks.webhook_create(
        actor=cast.integration, url="https://hooks.example.test/x", events=EVENTS
    )
    assert made.webhook.url == "https://hooks.example.test/x"
    # Changing the URL is checked the same way.
    with pytest.raises(InvalidInput):
        webhooks.webhook_update(
            actor=cast.integration, webhook_id=made.webhook.pk, url="https://mixed.example.test/"
        )


@pytest.mark.django_db
def test_a_demo_still_refuses_a_metadata_address_written_in_the_url(cast: Cast) -> None:
    with pytest.raises(InvalidInput) as refused:
        webhooks.webhook_create(
            actor=cast.integration, url="http://169.254.169.254/latest/meta-data", events=EVENTS
        )
    assert refused.value.code == "url_not_public"


@pytest.mark.django_db
def test_the_api_explains_a_private_address_in_indonesian(
    client: Client, cast: Cast, resolver: Resolver, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_LOCAL = False
    resolver.script["hooks.example.test"] = [["64:ff9b::a00:1"]]
    key = api_key_issue(actor=cast.agency_admin, name="SP4N", scopes=[Scope.WEBHOOKS]).secret
    body = {"url": "https://hooks.example.test/aduan", "events": EVENTS}
    response = call(client, "post", "/api/v1/agency/webhooks", key, json=body)
    refused = problem(response, 400, "url_not_public")
    assert "internet publik" in refused["title"] and "alamat IP publik" in refused["title"]
    assert not Webhook.objects.exists()


@pytest.mark.django_db
def test_the_back_office_explains_a_private_address_next_to_it(
    cast: Cast, staff_client: StaffClient, resolver: Resolver, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_LOCAL = False
    resolver.script["hooks.example.test"] = [["2002:a00:1::1"]]
    admin = client_of(staff_client, cast.agency_admin)
    response = admin.post(
        "/kantor/integrasi/webhook",
        {"url": "https://hooks.example.test/aduan", "events": EVENTS},
    )
    assert response.status_code == 400
    assert "hanya menunjuk ke alamat IP publik" in response.content.decode()
    assert not Webhook.objects.exists()


# -- delivering ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_connection_goes_to_the_address_checked_with_the_tls_name_kept(
    cast: Cast,
    resolver: Resolver,
    serve: Callable[..., Server],
    certificate_authority: trustme.CA,
    make_report: Callable[..., Report],
) -> None:
    # The name is unknown to any DNS: only the address the check saw can be reached.
    server = serve(tls=_tls_for(certificate_authority, "hooks.example.test"))
    resolver.script["hooks.example.test"] = [["127.0.0.1"]]
    webhook = _queued(cast, f"https://hooks.example.test:{server.port}/aduan", make_report)
    resolver.asked.clear()

    webhooks.webhook_deliver(webhook_id=webhook.pk)

    delivery = webhook.deliveries.get()
    assert delivery.status == Delivery.Status.DELIVERED, delivery.last_error
    assert resolver.asked == ["hooks.example.test"]  # resolved once for the attempt
    assert server.server_names == ["hooks.example.test"]  # SNI
    assert server.hosts == [f"hooks.example.test:{server.port}"]  # Host header


@pytest.mark.django_db
def test_the_certificate_is_still_verified_for_the_host_name(
    cast: Cast,
    resolver: Resolver,
    serve: Callable[..., Server],
    certificate_authority: trustme.CA,
    make_report: Callable[..., Report],
) -> None:
    server = serve(tls=_tls_for(certificate_authority, "someone-else.example.test"))
    resolver.script["hooks.example.test"] = [["127.0.0.1"]]
    webhook = _queued(cast, f"https://hooks.example.test:{server.port}/aduan", make_report)

    webhooks.webhook_deliver(webhook_id=webhook.pk)

    delivery = webhook.deliveries.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
    assert server.hosts == []


@pytest.mark.django_db
def test_plain_http_in_a_demo_also_goes_to_the_address_checked(
    cast: Cast,
    resolver: Resolver,
    serve: Callable[..., Server],
    make_report: Callable[..., Report],
) -> None:
    server = serve()
    resolver.script["receiver.example.test"] = [["127.0.0.1"]]
    webhook = _queued(cast, f"http://receiver.example.test:{server.port}/aduan", make_report)
    webhooks.webhook_deliver(webhook_id=webhook.pk)
    assert webhook.deliveries.get().status == Delivery.Status.DELIVERED
    assert server.hosts == [f"receiver.example.test:{server.port}"]


@pytest.mark.django_db
def test_a_name_that_rebinds_between_check_and_connection_reaches_nothing_inside(
    cast: Cast,
    resolver: Resolver,
    serve: Callable[..., Server],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    make_report: Callable[..., Report],
) -> None:
    """The check's answer is public; any later answer, and the system's own resolver
    (``localhost``), say the private server. Only the checked address is tried."""
    settings.WEBHOOK_ALLOW_LOCAL = False
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", 2)  # the public address is not ours
    inside = serve()
    url = f"https://localhost:{inside.port}/aduan"
    resolver.script["localhost"] = [[PUBLIC]]
    webhook = _queued(cast, url, make_report)  # registered while it answered public
    resolver.script["localhost"] = [[PUBLIC], ["127.0.0.1"]]
    resolver.asked.clear()

    webhooks.webhook_deliver(webhook_id=webhook.pk)

    assert inside.connections == 0
    assert resolver.asked == ["localhost"]
    delivery = webhook.deliveries.get()
    assert delivery.attempts == 1 and delivery.status == Delivery.Status.PENDING
    assert delivery.last_status_code is None and not delivery.last_error.startswith("refused")


@pytest.mark.django_db
def test_a_name_that_turns_private_after_registration_is_a_refused_delivery_retried(
    cast: Cast,
    resolver: Resolver,
    serve: Callable[..., Server],
    settings: Any,
    make_report: Callable[..., Report],
) -> None:
    settings.WEBHOOK_ALLOW_LOCAL = False
    inside = serve()
    resolver.script["hooks.example.test"] = [[PUBLIC], ["127.0.0.1"]]
    webhook = _queued(cast, f"https://hooks.example.test:{inside.port}/aduan", make_report)
    start = timezone.now()

    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=start) == 1  # no crash
    delivery = webhook.deliveries.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert delivery.last_error == "refused: the address is not on the public internet"
    assert delivery.next_attempt_at == start + webhooks.RETRY_FIRST
    later = start + webhooks.RETRY_FIRST
    webhooks.webhook_deliver(webhook_id=webhook.pk, now=later)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at == later + timedelta(minutes=1)
    # A mixed answer is refused as a whole: the client could have picked either.
    resolver.script["hooks.example.test"] = [[PUBLIC, "127.0.0.1"]]
    webhooks.webhook_deliver(webhook_id=webhook.pk, now=later + timedelta(minutes=1))
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.last_error.startswith("refused")
    assert inside.connections == 0


@pytest.mark.django_db
def test_a_demo_still_never_delivers_to_a_metadata_address(
    cast: Cast, resolver: Resolver, make_report: Callable[..., Report]
) -> None:
    # Registered by name in a demo (names are checked at each delivery there).
    webhook = _queued(cast, "http://metadata.example.test/latest", make_report)
    resolver.script["metadata.example.test"] = [["169.254.169.254"]]
    webhooks.webhook_deliver(webhook_id=webhook.pk)
    delivery = webhook.deliveries.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.last_error == "refused: the address is not on the public internet"


@pytest.mark.django_db
def test_an_answer_that_is_not_http_is_a_failed_attempt_not_a_crash(
    cast: Cast,
    resolver: Resolver,
    serve: Callable[..., Server],
    make_report: Callable[..., Report],
) -> None:
    server = serve(answer=b"SSH-2.0-OpenSSH_9.6\r\n")
    resolver.script["receiver.example.test"] = [["127.0.0.1"]]
    webhook = _queued(cast, f"http://receiver.example.test:{server.port}/aduan", make_report)
    assert webhooks.webhook_deliver(webhook_id=webhook.pk) == 1
    delivery = webhook.deliveries.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert "BadStatusLine" in delivery.last_error
