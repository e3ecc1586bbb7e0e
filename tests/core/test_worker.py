"""Workers as they run in production: separate processes sharing one database and
one SMS gateway (a loopback stand-in for Kannel's sendsms, which counts what it
accepted). Every message is delivered once with two workers draining one outbox,
and once when a worker is killed with SIGKILL mid-delivery and another takes over;
SIGTERM lets the delivery at hand finish; the deadline sweeps act once per report
however many workers run and restart."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from aduan.outbox.models import Message
from aduan.outbox.services import message_send
from aduan.reports.models import Action, Report
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


class Gateway:
    """A stand-in for Kannel's sendsms: answers 202 and counts each accepted text;
    a text in ``hold`` is held unanswered until ``release`` (then refused)."""

    def __init__(self) -> None:
        self.accepted: Counter[str] = Counter()
        self.hold: set[str] = set()
        self.held = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                text = parse_qs(urlsplit(self.path).query).get("text", [""])[0]
                if text in gateway.hold:
                    gateway.hold.discard(text)
                    gateway.held.set()
                    gateway.release.wait(timeout=60)
                    self.send_response(503)
                    self.end_headers()
                    return
                with gateway._lock:
                    gateway.accepted[text] += 1
                self.send_response(202)
                self.end_headers()
                self.wfile.write(b"0: Accepted for delivery")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/sendsms"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    made = Gateway()
    yield made
    made.close()


def _database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


WorkerStart = Callable[[], subprocess.Popen[bytes]]


@pytest.fixture
def start_worker(gateway: Gateway, tmp_path: Path) -> Iterator[WorkerStart]:
    """Starts `python -m aduan worker` processes on the test database, with the
    gateway as their SMS transport and a two-second lease; all stopped at the end."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "ADUAN_DATA_KEY": settings.DATA_KEY,
        "ADUAN_VAR_DIR": str(tmp_path),
        "ADUAN_WORKER_LEASE_SECONDS": "2",
        "ADUAN_KANNEL_SENDSMS_URL": gateway.url,
        "ADUAN_KANNEL_USERNAME": "aduan",
        "ADUAN_KANNEL_PASSWORD": "rahasia",
        "LOG_LEVEL": "warning",
    }
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "aduan", "worker", "--interval", "0.2"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _wait(condition: Callable[[], bool], *, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def _pending() -> int:
    return Message.objects.filter(status=Message.Status.PENDING).count()


def _queue(count: int, prefix: str = "pesan") -> list[str]:
    texts = [f"{prefix} {n}" for n in range(count)]
    for text in texts:
        message_send(channel="sms", recipient="+628123456789", body=text, purpose="follow_up")
    return texts


def test_two_workers_drain_one_outbox_delivering_each_message_once(
    gateway: Gateway, start_worker: WorkerStart
) -> None:
    texts = _queue(300)
    start_worker(), start_worker()
    _wait(lambda: _pending() == 0, what="the outbox to drain")
    assert gateway.accepted == Counter(texts)
    assert Message.objects.filter(status=Message.Status.SENT, attempts=1).count() == 300


def test_a_worker_killed_mid_delivery_loses_nothing_and_doubles_nothing(
    gateway: Gateway, start_worker: WorkerStart
) -> None:
    texts = _queue(20)
    gateway.hold.add(texts[0])
    first = start_worker()
    assert gateway.held.wait(timeout=60), "the first worker never reached the gateway"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    gateway.release.set()
    # The killed worker's claims lapse with its lease; a new worker finishes the job.
    start_worker()
    _wait(lambda: _pending() == 0, what="the outbox to drain after the kill")
    assert gateway.accepted == Counter(texts)
    # (The body is encrypted at rest: the message is found by reading them.)
    retried = next(m for m in Message.objects.all() if m.body == texts[0])
    assert retried.status == Message.Status.SENT and retried.attempts == 2


def test_sigterm_lets_the_delivery_at_hand_finish_then_the_worker_exits(
    gateway: Gateway, start_worker: WorkerStart
) -> None:
    texts = _queue(5)
    gateway.hold.add(texts[0])
    worker = start_worker()
    assert gateway.held.wait(timeout=60)
    worker.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    assert worker.poll() is None, "it waits for the delivery at hand"
    gateway.release.set()  # the gateway answers (503: try later)
    assert worker.wait(timeout=30) == 0
    held = next(m for m in Message.objects.all() if m.body == texts[0])
    assert held.status == Message.Status.PENDING and "503" in held.last_error
    # What it had claimed and not started is handed back at once, not after a lease.
    rest = [m for m in Message.objects.all() if m.body in texts[1:]]
    assert {(m.status, m.attempts) for m in rest} == {(Message.Status.PENDING, 0)}
    assert all(m.next_attempt_at and m.next_attempt_at <= timezone.now() for m in rest)


def test_deadline_sweeps_act_once_across_workers_and_restarts(
    cast: Cast, dispositioned: Callable[..., Report], start_worker: WorkerStart
) -> None:
    long_ago = timezone.now() - timedelta(days=90)
    reports = [dispositioned(now=long_ago) for _ in range(6)]
    start_worker(), start_worker()
    _wait(
        lambda: not Report.objects.filter(alert_at__isnull=False).exists(),
        what="the sweeps to reach every report",
    )
    restarted = start_worker()
    time.sleep(1.5)
    restarted.send_signal(signal.SIGKILL)
    for report in reports:
        actions = Counter(report.events.values_list("action", flat=True))
        assert (actions[Action.OVERDUE], actions[Action.ESCALATE]) == (1, 1), actions
