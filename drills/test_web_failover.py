"""Drill: one of two web nodes is killed (SIGKILL, its whole process group) under a
steady load of report creations through HAProxy with the shipped configuration
(deploy/haproxy/haproxy.cfg: its health checks on /readyz, redispatch, leastconn),
rewritten only for loopback and plain http. The balancer moves to the other node;
every creation answered 201 exists afterwards, with its event and its photo; a
request that got no answer, sent again with its Idempotency-Key, is done once.

Measured (printed, and kept as JSON beside the test's logs): requests that failed
and how, the longest request around the kill, acknowledged reports lost (none may
be), and what the retries got."""

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from drills.app import ROOT, app_env, app_ready, app_served
from drills.conftest import ClusterSet, Seed, figures_publish, require
from drills.reports import ReportLoad, acknowledged_missing, kinds, report_send, reports_stored
from drills.support import free_port, group_stop, wait_for

RATE = 10  # reports a second, from each of two clients
WARM = 20  # acknowledged before the kill
AFTER = 30  # acknowledged after it (three seconds: past the checks' two failures)
SHIPPED = ROOT / "deploy/haproxy/haproxy.cfg"


def haproxy_config(*, port: int, nodes: list[int]) -> str:
    """The shipped configuration on loopback: the balancer on ``port``, the nodes
    plain granian (no nginx, so no TLS and no PROXY protocol), as the unprivileged
    foreground process a drill runs. Checks, timeouts and balancing as shipped."""
    text = SHIPPED.read_text()
    for line in ("log /dev/log local0", "user haproxy", "group haproxy", "daemon"):
        assert f"    {line}\n" in text, line
        text = text.replace(f"    {line}\n", "")
    text = text.replace("    log global\n", "").replace("    option tcplog\n", "")
    # An unprivileged process may not raise its file limit to what 20,000 need.
    text = text.replace("maxconn 20000", "maxconn 1000")
    # Only the https frontend and its backend: drop the plain-http pair.
    text = re.sub(r"\nfrontend http\n(    .*\n)+", "\n", text)
    text = re.sub(r"\nbackend web_http\n(    .*\n?)+", "\n", text)
    assert "bind :443" in text
    text = text.replace("bind :443", f"bind 127.0.0.1:{port}")
    # The demo app answers to localhost, not to the site's name.
    text = text.replace("hdr Host lapor.example.go.id", "hdr Host localhost")
    servers = re.findall(r"    server web\d .*\n", text)
    assert len(servers) == 2, servers
    for server, node in zip(servers, nodes, strict=True):
        name = server.split()[1]
        text = text.replace(server, f"    server {name} 127.0.0.1:{node} check\n")
    return text


def test_a_web_node_killed_under_load_loses_no_acknowledged_report(
    clusters: ClusterSet, seed: Seed, tmp_path: Path
) -> None:
    haproxy = shutil.which("haproxy", path="/usr/sbin:/usr/bin")
    require([] if haproxy else ["haproxy"], "apt-get install haproxy")
    assert haproxy is not None
    began = time.monotonic()
    primary = clusters.from_seed("primary")
    primary.start()
    env = app_env(database_url=primary.database_url(), var_dir=tmp_path / "var", keys=seed.keys)
    nodes: list[subprocess.Popen[bytes]] = []
    with (
        app_served(env, log=tmp_path / "web1.log", started=nodes) as web1,
        app_served(env, log=tmp_path / "web2.log", started=nodes) as web2,
    ):
        port = free_port()
        config = tmp_path / "haproxy.cfg"
        config.write_text(
            haproxy_config(
                port=port, nodes=[int(web1.rsplit(":", 1)[1]), int(web2.rsplit(":", 1)[1])]
            )
        )
        checked = subprocess.run(
            [haproxy, "-c", "-q", "-f", str(config)], capture_output=True, check=False
        )
        assert checked.returncode == 0, checked.stderr.decode()
        with (tmp_path / "haproxy.log").open("ab") as output:
            balancer = subprocess.Popen(
                [haproxy, "-db", "-f", str(config)],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: app_ready(url), timeout=30, what=f"HAProxy at {url}")
            ready = time.monotonic()
            # Two clients, so that the killed node is likely in the middle of one.
            with (
                ReportLoad(url, seed.token, rate=RATE) as load,
                ReportLoad(url, seed.token, rate=RATE) as other,
            ):
                wait_for(
                    lambda: len(load.acknowledged_since(0)) >= WARM,
                    timeout=60,
                    what=f"{WARM} reports acknowledged through the balancer",
                )
                killed = time.monotonic()
                os.killpg(nodes[0].pid, signal.SIGKILL)
                wait_for(
                    lambda: len(load.acknowledged_since(killed)) >= AFTER,
                    timeout=60,
                    what=f"{AFTER} reports acknowledged after the node was killed",
                )
            answers = [*load.snapshot(), *other.snapshot()]
            failed = [answer for answer in answers if not answer.acknowledged]
            # A client that got no good answer sends the same request again, same key.
            retries = [
                report_send(url, seed.token, number=answer.number, key=answer.key)
                for answer in failed
            ]
        finally:
            group_stop(balancer)

    stored = reports_stored(primary.conninfo())
    acknowledged = [a for a in [*answers, *retries] if a.acknowledged]
    problems = acknowledged_missing(acknowledged, stored)
    around = [a for a in answers if a.received >= killed - 1]
    figures: dict[str, Any] = {
        "drill": "web node killed",
        "request_rate_per_second": RATE,
        "requests": len(answers),
        "acknowledged": sum(a.acknowledged for a in answers),
        "failed": len(failed),
        "failed_kinds": kinds(failed),
        "longest_request_seconds_around_kill": round(max(a.received - a.sent for a in around), 3),
        "acknowledged_lost_or_damaged": len(problems),
        "retries_same_key": kinds(retries),
        "reports_stored": len(stored),
        "setup_seconds": round(ready - began, 1),
        "drill_seconds": round(time.monotonic() - began, 1),
    }
    figures_publish(tmp_path / "web-node-killed.json", figures)

    assert not problems, problems
    # At most the requests the killed node was answering fail (one per client);
    # sent again, each is done.
    assert len(failed) <= 2, kinds(failed)
    assert all(retry.acknowledged for retry in retries), kinds(retries)
    # Done once: every acknowledged number is one report, none more.
    assert len(stored) == len({a.tracking_number for a in acknowledged})
