"""The alert rules and the sample configuration in deploy/prometheus, checked by
Prometheus' own tools (Debian's `prometheus`): promtool checks them and runs the
rules' unit tests (alerts_test.yml); then a drill: a real Prometheus scrapes the app's
/metrics with the sample configuration's bearer token, evaluates the shipped rules,
and fires AduanNoWorker when the workers stop. Without Prometheus these tests are
skipped, except under CI=true, where that is a failure."""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

from aduan.core.jobs import jobs_installed
from tests.deploy.tools import DEPLOY, run, tool
from tests.e2e.conftest import _free_port, _test_database_url

PROMETHEUS_DIR = DEPLOY / "prometheus"
ALERTS = PROMETHEUS_DIR / "alerts.yml"
CONFIG = PROMETHEUS_DIR / "prometheus.yml"
# The drill's heartbeat staleness (the least the setting allows): a killed worker
# counts as dead this long after its last heartbeat.
STALE_SECONDS = 10


@pytest.fixture
def promtool() -> str:
    return tool("promtool", "prometheus")


@pytest.fixture
def prometheus() -> str:
    return tool("prometheus", "prometheus")


def _rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def _rule(name: str) -> dict[str, Any]:
    (rule,) = (rule for rule in _rules() if rule.get("alert") == name)
    return rule


def _config(
    tmp_path: Path, *, target: str, rules: Path, token: str, every: str | None = None
) -> Path:
    """The shipped prometheus.yml pointed at ``target`` (the app itself: no nginx here)
    with ``token`` in its credentials file and ``rules`` as its rule file; the rest
    (job name, path, authorization) as shipped."""
    config = yaml.safe_load(CONFIG.read_text())
    if every is not None:
        config["global"].update(
            scrape_interval=every, scrape_timeout=every, evaluation_interval=every
        )
    config["rule_files"] = [str(rules)]
    (job,) = (job for job in config["scrape_configs"] if job["job_name"] == "aduan")
    token_file = tmp_path / "aduan-metrics-token"
    token_file.write_text(token + "\n")
    job["authorization"]["credentials_file"] = str(token_file)
    job["static_configs"] = [{"targets": [target]}]
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


# -- promtool ------------------------------------------------------------------------


def test_the_rules_pass_promtools_check(promtool: str) -> None:
    done = run(promtool, "check", "rules", str(ALERTS))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_sample_configuration_passes_promtools_check(promtool: str, tmp_path: Path) -> None:
    # As shipped: the token file it names is on the Prometheus server, not here.
    done = run(promtool, "check", "config", "--syntax-only", str(CONFIG))
    assert done.returncode == 0, done.stdout + done.stderr
    # And whole (the rule files read too), with a token file that exists.
    config = _config(tmp_path, target="127.0.0.1:8000", rules=ALERTS, token="t")
    done = run(promtool, "check", "config", str(config))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_rules_unit_tests_pass(promtool: str) -> None:
    done = run(promtool, "test", "rules", str(PROMETHEUS_DIR / "alerts_test.yml"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_is_tested_firing_and_quiet() -> None:
    tests = yaml.safe_load((PROMETHEUS_DIR / "alerts_test.yml").read_text())["tests"]
    checks = [check for test in tests for check in test.get("alert_rule_test", ())]
    fired = {check["alertname"] for check in checks if check["exp_alerts"]}
    quiet = {check["alertname"] for check in checks if not check["exp_alerts"]}
    alerts = {rule["alert"] for rule in _rules()}
    assert alerts - fired == set(), "alerts no unit test fires"
    assert alerts - quiet == set(), "alerts no unit test keeps quiet"
    for rule in _rules():
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert {"summary", "description", "runbook"} <= set(rule["annotations"]), rule["alert"]


def test_every_job_that_runs_less_often_than_a_minute_has_a_threshold_of_its_own() -> None:
    """AduanJobStalled gives the frequent jobs 15 minutes and names the slower ones:
    a new hourly job left out would page within the hour it was added."""
    expr = _rule("AduanJobStalled")["expr"]
    matchers = re.findall(r'task(=~|!~)"([^"]*)"', expr)
    named = {name for op, names in matchers if op == "=~" for name in names.split("|")}
    left_out = {name for op, names in matchers if op == "!~" for name in names.split("|")}
    assert named == left_out, "the frequent jobs' tier leaves out exactly the named ones"
    installed = {job.name: job.every for job in jobs_installed()}
    assert named <= set(installed), "the rule names jobs that do not exist"
    slow = {name for name, every in installed.items() if every > 60}
    assert slow <= named, "jobs running less often than every 60 s need their own threshold"


# -- the drill -----------------------------------------------------------------------


class Processes:
    """The drill's processes, each logging to a file of its own; whatever still runs
    at the end is stopped."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (self.folder / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our app, Prometheus
                command, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.started[name] = process
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}:\n{(self.folder / f'{name}.log').read_text(errors='replace')[-3000:]}"
            for name in self.started
        )

    def close(self) -> None:
        for process in self.started.values():
            if process.poll() is None:
                process.terminate()
        for process in self.started.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    started = Processes(tmp_path)
    try:
        yield started
    finally:
        started.close()


def _until[T](what: str, check: Callable[[], T | None], *, within: float, logs: Processes) -> T:
    """Polls ``check`` until it gives something, or fails saying ``what`` did not
    happen (with the processes' logs)."""
    deadline = time.monotonic() + within
    while True:
        found = check()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {within:.0f} s\n{logs.logs()}")
        time.sleep(0.2)


class PrometheusAPI:
    def __init__(self, base: str) -> None:
        self.base = base

    def get(self, path: str, **params: str) -> Any:
        url = f"{self.base}{path}?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                return json.load(response)["data"]
        except OSError:
            return None

    def values(self, query: str) -> list[float] | None:
        """The query's values now (None when Prometheus does not answer yet)."""
        data = self.get("/api/v1/query", query=query)
        return None if data is None else [float(item["value"][1]) for item in data["result"]]

    def rules(self) -> list[dict[str, Any]]:
        """The alerting rules as last evaluated, with when (``evaluated_at``)."""
        data = self.get("/api/v1/rules", type="alert") or {"groups": []}
        return [
            {**rule, "evaluated_at": _instant(group["lastEvaluation"])}
            for group in data["groups"]
            for rule in group["rules"]
        ]

    def firing(self) -> set[str]:
        data = self.get("/api/v1/alerts") or {"alerts": []}
        return {
            alert["labels"]["alertname"] for alert in data["alerts"] if alert["state"] == "firing"
        }

    def evaluated_since(self, since: datetime, name: str, logs: Processes) -> dict[str, Any]:
        """``name``'s rule as of its first evaluation after ``since``."""

        def after() -> dict[str, Any] | None:
            for rule in self.rules():
                if rule["name"] == name and rule["evaluated_at"] > since:
                    return rule
            return None

        return _until(f"an evaluation of {name}", after, within=10, logs=logs)


def _instant(text: str) -> datetime:
    # Go writes nanoseconds; Python reads microseconds.
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", text).replace("Z", "+00:00"))


def _metrics_served(url: str, token: str) -> Callable[[], bool | None]:
    """Whether ``url`` answers /metrics to the token."""
    request = urllib.request.Request(  # noqa: S310 - loopback
        url, headers={"Authorization": f"Bearer {token}"}
    )

    def served() -> bool | None:
        try:
            with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - loopback
                return True
        except OSError:
            return None

    return served


def _drill_rules(tmp_path: Path) -> Path:
    """The shipped rules with only their ``for:`` taken out (an alert fires at the
    first evaluation that finds its condition; the unit tests hold the durations):
    the expressions under test are the shipped ones."""
    document = yaml.safe_load(ALERTS.read_text())
    for group in document["groups"]:
        for rule in group["rules"]:
            rule.pop("for", None)
    path = tmp_path / "alerts.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


@pytest.mark.django_db(transaction=True)  # the app and the workers write to it
def test_drill_prometheus_fires_no_worker_when_the_last_worker_is_gone(
    prometheus: str, tmp_path: Path, processes: Processes
) -> None:
    token = secrets.token_urlsafe(32)
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "ADUAN_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": settings.SECRET_KEY,
        "ADUAN_DATA_KEY": settings.DATA_KEY,
        "LOG_LEVEL": "warning",
        # Prometheus gets in by the token alone (not by its loopback address).
        "ADUAN_METRICS_TOKEN": token,
        "ADUAN_METRICS_ALLOWED_IPS": "192.0.2.1",
        "ADUAN_WORKER_STALE_SECONDS": str(STALE_SECONDS),
    }
    app_port, prometheus_port = _free_port(), _free_port()
    # The app as deploy/systemd/aduan-web.service serves it: granian, its processes'
    # counts added up in PROMETHEUS_MULTIPROC_DIR.
    (tmp_path / "multiproc").mkdir()
    processes.start(
        "app",
        [
            str(Path(sys.executable).parent / "granian"),
            *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(app_port)),
            *("--workers", "1", "--log-level", "warning", "aduan.wsgi:application"),
        ],
        {**env, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "multiproc")},
    )
    worker = [sys.executable, "-m", "aduan", "worker"]
    stopped = processes.start("worker-1", worker, env)
    killed = processes.start("worker-2", worker, env)
    config = _config(
        tmp_path,
        target=f"127.0.0.1:{app_port}",
        rules=_drill_rules(tmp_path),
        token=token,
        every="1s",
    )
    processes.start(
        "prometheus",
        [
            prometheus,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{prometheus_port}",
            "--log.level=warn",
        ],
        os.environ.copy(),
    )
    api = PrometheusAPI(f"http://127.0.0.1:{prometheus_port}")
    # The app's first request loads every view and may outlast a scrape's second:
    # made here while Prometheus starts (it takes its targets after a few seconds).
    metrics = f"http://127.0.0.1:{app_port}/metrics"
    _until("the app serving /metrics", _metrics_served(metrics, token), within=60, logs=processes)

    def workers_alive(count: int) -> Callable[[], bool | None]:
        return lambda: True if api.values("max(aduan_workers_alive)") == [count] else None

    # Both workers beat: Prometheus read the figures with the token.
    _until("Prometheus seeing two workers", workers_alive(2), within=40, logs=processes)
    # Every metric the rules read is served under that name, each worker job by its
    # `task` label.
    wanted = {name for rule in _rules() for name in re.findall(r"\baduan_\w+", rule["expr"])}

    def served() -> bool | None:
        names = set(api.get("/api/v1/label/__name__/values") or ())
        outbox = api.values('aduan_job_last_finished_age_seconds{task="outbox"}')
        return True if wanted <= names and outbox else None

    _until("the rules' metrics in Prometheus", served, within=15, logs=processes)
    rule = api.evaluated_since(datetime.now(UTC), "AduanNoWorker", processes)
    assert rule["state"] == "inactive", rule
    # Every rule evaluates on the real figures (no error such as a many-to-many match).
    assert [rule for rule in api.rules() if rule["health"] != "ok"] == []

    # One worker stops as systemd stops it: one is left, no alert.
    stopped.send_signal(signal.SIGTERM)
    stopped.wait(timeout=30)
    _until("Prometheus seeing one worker", workers_alive(1), within=15, logs=processes)
    rule = api.evaluated_since(datetime.now(UTC), "AduanNoWorker", processes)
    assert rule["state"] == "inactive", rule

    # The last one is killed: its heartbeat stays behind, goes stale, and the alert fires.
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    killed_at = time.monotonic()

    def no_worker_firing() -> bool | None:
        return True if "AduanNoWorker" in api.firing() else None

    _until("AduanNoWorker firing", no_worker_firing, within=STALE_SECONDS + 20, logs=processes)
    # Not at once: the dead worker counted until its last heartbeat (at most 5 s
    # before the kill) was STALE_SECONDS old.
    assert time.monotonic() - killed_at > STALE_SECONDS - 5 - 1
