"""What an operator sees of a running site: /metrics (Prometheus text, read by
Prometheus' own parser here), /readyz, the workers' heartbeats, and the request id
in the answer, the logs and the work a request leaves for the worker."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from aduan.core import metrics as core_metrics
from aduan.core import probes
from aduan.core.beats import beat_write, workers_read
from aduan.core.models import WorkerBeat
from aduan.core.worker import Job, Worker
from aduan.lib.requestid import request_id, request_id_bound
from aduan.outbox import services as outbox
from aduan.outbox.models import Message
from aduan.reports.models import Report
from tests.reports.conftest import MakeReport

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _scrape(client: Client, **headers: Any) -> Samples:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# -- who may read /metrics ---------------------------------------------------------


def test_metrics_are_hidden_from_anyone_not_allowed(client: Client, settings: Any) -> None:
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = "a-long-scrape-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="a-long-scrape-token").status_code == 404
    _scrape(client, HTTP_AUTHORIZATION="Bearer a-long-scrape-token")


def test_no_token_set_means_no_token_opens_them(client: Client, settings: Any) -> None:
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer").status_code == 404


def test_metrics_are_open_to_the_allowed_addresses(client: Client, settings: Any) -> None:
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404  # the test client is 127.0.0.1
    _scrape(client, REMOTE_ADDR="10.1.2.3")


# -- what they say -------------------------------------------------------------------


@pytest.fixture
def open_metrics(settings: Any) -> None:
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]


@pytest.mark.usefixtures("open_metrics")
def test_requests_are_counted_by_route_not_by_path(client: Client) -> None:
    before = _scrape(client)
    client.get("/api/v1/reports/AAAAAAAA")
    client.get("/api/v1/reports/BBBBBBBB")
    client.get("/no-such-page-at-all")
    after = _scrape(client)
    moved = {
        dict(labels)["route"]: after[(name, labels)] - before.get((name, labels), 0.0)
        for (name, labels) in after
        if name == "aduan_http_requests_total"
        and dict(labels)["route"] != "metrics"
        and after[(name, labels)] != before.get((name, labels), 0.0)
    }
    # One series for every tracking number; one for every path that leads nowhere.
    assert moved == {"api/v1/reports/<tracking_number>": 2, "unmatched": 1}
    route = "api/v1/reports/<tracking_number>"
    assert (
        _value(after, "aduan_http_request_duration_seconds_count", route=route, method="GET")
        - (_value(before, "aduan_http_request_duration_seconds_count", route=route, method="GET"))
        == 2
    )
    # A scrape reads the database's figures: its queries are counted, and timed.
    assert _value(after, "aduan_http_database_queries_total", route="metrics") > _value(
        before, "aduan_http_database_queries_total", route="metrics"
    )
    assert _value(after, "aduan_http_request_database_seconds_sum", route="metrics") > 0


@pytest.mark.usefixtures("open_metrics")
def test_the_outbox_depth_and_its_oldest_message_per_channel(client: Client) -> None:
    now = timezone.now()
    outbox.message_send(
        channel="sms", recipient="+6281234567890", body="a", purpose="receipt", now=now
    )
    Message.objects.update(created_at=now - timedelta(minutes=10))
    outbox.message_send(channel="sms", recipient="+6281234567891", body="b", purpose="receipt")
    samples = _scrape(client)
    assert _value(samples, "aduan_outbox_pending", channel="sms") == 2
    assert _value(samples, "aduan_outbox_pending", channel="email") == 0
    assert _value(samples, "aduan_outbox_oldest_pending_age_seconds", channel="sms") >= 600
    assert ("aduan_outbox_pending", (("channel", "email"),)) in samples


@pytest.mark.usefixtures("open_metrics")
def test_reports_received_the_backlog_and_the_overdue(
    client: Client, make_report: MakeReport
) -> None:
    make_report()
    late = make_report()
    Report.objects.filter(pk=late.pk).update(
        deadline_at=timezone.now() - timedelta(days=1),
        submitted_at=timezone.now() - timedelta(minutes=30),
    )
    samples = _scrape(client)
    assert _value(samples, "aduan_reports_received_last_hour", channel="web") == 2
    assert _value(samples, "aduan_reports_received_last_hour", channel="sms") == 0
    assert _value(samples, "aduan_verification_backlog") == 2
    assert _value(samples, "aduan_verification_oldest_age_seconds") >= 30 * 60
    assert _value(samples, "aduan_reports_overdue", deadline="verify") == 1


@pytest.mark.usefixtures("open_metrics")
def test_a_failing_figure_leaves_the_others_served(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*, now: Any) -> Any:
        raise DatabaseError("the table is gone")

    declared = core_metrics._declared()
    monkeypatch.setattr(core_metrics, "_declared", lambda: (broken, *declared))
    samples = _scrape(client)
    assert ("aduan_workers_alive", ()) in samples


# -- workers' heartbeats ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker closes connections as it goes
def test_a_running_worker_beats_and_a_stopped_one_takes_its_row_away() -> None:
    seen: list[int] = []

    def job(now: Any, stop: Callable[[], bool]) -> int:
        seen.append(WorkerBeat.objects.count())
        return 0

    worker = Worker((Job("look", job, every=60),))
    worker.run(once=True)
    assert seen == [1]
    assert not WorkerBeat.objects.exists()


@pytest.mark.django_db(transaction=True)  # the heartbeat writes from its own thread
def test_a_long_job_does_not_stop_the_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    from aduan.core import worker as worker_module

    monkeypatch.setattr(worker_module, "BEAT_SECONDS", 0.05)
    beats: list[Any] = []

    def long_job(now: Any, stop: Callable[[], bool]) -> int:
        # Training a model takes minutes; here half a second is "long".
        for _ in range(10):
            time.sleep(0.05)
            beats.extend(WorkerBeat.objects.values_list("beat_at", flat=True))
        worker.stop()
        return 1

    worker = Worker((Job("training", long_job, every=60),))
    worker.run()
    assert len(set(beats)) >= 3, "the heartbeat moved while the job ran"
    assert not WorkerBeat.objects.exists()


def test_workers_alive_and_the_age_of_each_job() -> None:
    now = timezone.now()
    beat_write(
        name="web-1:10",
        started_at=now,
        jobs={"outbox": now - timedelta(seconds=3)},
        now=now - timedelta(seconds=2),
    )
    beat_write(
        name="web-2:11",
        started_at=now,
        jobs={"outbox": now - timedelta(hours=2)},
        now=now - timedelta(minutes=30),
    )
    beat_write(
        name="web-3:12",
        started_at=now - timedelta(minutes=20),
        jobs={"deadlines": None},  # never finished since it started
        now=now - timedelta(seconds=1),
    )
    workers = workers_read(now=now)
    assert workers.alive == 2
    assert workers.last_beat_age == pytest.approx(1, abs=0.5)  # the freshest
    assert set(workers.beat_ages) == {"web-1:10", "web-2:11", "web-3:12"}
    # A dead worker's jobs say nothing of how late the living are; a job that never
    # finished is as late as its worker is old.
    assert workers.job_ages == {
        "outbox": pytest.approx(3, abs=0.5),
        "deadlines": pytest.approx(1200, abs=0.5),
    }


@pytest.mark.usefixtures("open_metrics")
def test_no_worker_alive_is_a_figure(client: Client) -> None:
    beat_write(
        name="gone:1",
        started_at=timezone.now(),
        jobs={},
        now=timezone.now() - timedelta(hours=1),
    )
    samples = _scrape(client)
    assert _value(samples, "aduan_workers_alive") == 0
    assert _value(samples, "aduan_worker_heartbeat_age_seconds", worker="gone:1") >= 3600


# -- readiness -------------------------------------------------------------------------


def test_ready_tells_the_database_the_cache_and_the_workers(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    body = client.get("/readyz").json()
    assert body == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "workers": {"alive": 0, "last_heartbeat_seconds": None},
    }
    beat_write(name="w:1", started_at=timezone.now(), jobs={}, now=timezone.now())
    assert client.get("/readyz").json()["workers"]["alive"] == 1


def test_not_ready_without_a_database(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def cursor(self) -> None:
            raise DatabaseError("connection refused")

    monkeypatch.setattr(probes, "connection", Broken())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_not_ready_without_a_cache(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def set(self, *args: Any, **kwargs: Any) -> None:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(probes, "cache", Broken())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() | {"workers": None} == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unreachable",
        "workers": None,
    }


# -- the request id ----------------------------------------------------------------------


def test_every_answer_carries_a_request_id(client: Client) -> None:
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="nginx-4f2a9c1b")["X-Request-ID"] == (
        "nginx-4f2a9c1b"
    )
    # Something that is no id (too short, spaces, a header injection) is replaced.
    for given in ("abc", "two words here", "x" * 65, "id\r\nSet-Cookie: a=b"):
        answered = client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
        assert answered != given and len(answered) == 32


def test_the_worker_sends_a_message_under_the_id_of_the_request_that_queued_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with request_id_bound("req-0001-abcdef"):
        message = outbox.message_send(
            channel="sms", recipient="+6281234567890", body="a", purpose="receipt"
        )
    assert message.request_id == "req-0001-abcdef"
    seen: list[str] = []

    class Transport:
        def send(self, message: Message) -> str:
            seen.append(request_id())
            return "ok-1"

    monkeypatch.setattr(outbox, "transport_for", lambda channel: Transport())
    assert outbox.messages_deliver_due(now=timezone.now() + timedelta(seconds=1)) == 1
    assert seen == ["req-0001-abcdef"]
    assert request_id() == ""


def test_json_logs_carry_the_request_id() -> None:
    code = (
        "import logging\n"
        "from aduan.lib.requestid import request_id_bound\n"
        "with request_id_bound('req-42-abcdefgh'):\n"
        "    logging.getLogger('aduan.test').warning('laporan %s diterima', 'ABC123')\n"
    )
    env = {**os.environ, "ADUAN_LOG_FORMAT": "json"}
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-m", "aduan", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    line = next(line for line in lines if line.get("logger") == "aduan.test")
    assert line["message"] == "laporan ABC123 diterima"
    assert line["request_id"] == "req-42-abcdefgh"
    assert line["level"] == "WARNING"
    assert "time" in line


# -- the database lost -------------------------------------------------------------------


def test_a_lost_database_is_a_503_with_retry_after_not_a_500(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the failover drill: while a standby was promoted, requests answered
    500 server_error, which reads like a bug; clients must know to retry."""
    from django.db import OperationalError

    from aduan.accounts import api as accounts_api
    from aduan.web import selectors as web_selectors

    def lost(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    client.raise_request_exception = False
    monkeypatch.setattr(web_selectors, "home_figures", lost)
    page = client.get("/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "Sebentar lagi" in page.content.decode()
    monkeypatch.setattr(accounts_api, "api_token_user", lost)
    answer = client.get("/api/v1/reports/mine", HTTP_AUTHORIZATION="Bearer x")
    assert answer.status_code == 503 and answer["Retry-After"] == "5"
    assert answer.json()["code"] == "unavailable"
    # Any other failure stays a 500.
    monkeypatch.setattr(web_selectors, "home_figures", lambda: 1 / 0)
    assert client.get("/").status_code == 500
