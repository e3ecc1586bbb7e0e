"""Benchmark: throughput of the JSON API and Open311 under concurrent load (wrk).

Targets (issue 6), PostgreSQL, server and load generator on this machine:

- ``POST /api/v1/reports`` (a citizen's token) ≥ 500 requests/s with p99 ≤ 100 ms;
- ``GET /api/v1/reports/<number>`` of a public report, anonymous, ≥ 1,500/s and at
  least 90 % of a bare Django view doing one primary-key read (bench/bare.py), served
  by the same process in the same run;
- ``GET /open311/v2/requests.json?page_size=100`` (and ``&page=N``) ≥ 300/s.

Seeds the bench database (DATABASE_URL, default an SQLite file under var/bench/) with
the demo data set up to --reports reports (on PostgreSQL then VACUUM ANALYZE), makes
--tokens citizen accounts with an API token each, counts the queries of one request
of each kind, then serves the app (production mode, Redis cache) under each server
configuration in --servers and drives each URL with wrk for --duration seconds
(--connections keep-alive connections), after a short warm-up. The report creations
rotate over the tokens, so no one account is what is limited, and the bench raises
the ``report`` rate limit (ADUAN_RATE_LIMITS), since wrk sends everything from one
address. Reads rotate over 1,000 public reports; Open311's pages over every page of
its default 90-day window.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_bench_api \\
        .venv/bin/python bench/api.py [--reports 100000] [--duration 10]
    .venv/bin/python bench/api.py --servers granian-2 gunicorn-gthread

Needs wrk (``apt-get install -y wrk``). gunicorn configurations need gunicorn in the
venv (``.venv/bin/python -m pip install gunicorn``); they are skipped without it.
"""

import argparse
import dataclasses
import importlib.util
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from harness import MANAGE, ROOT, VAR, as_production, bench_database, granian, manage, served

WRK_INSTALL = "apt-get update && apt-get install -y wrk"
READS = 1_000  # public reports the reads rotate over
BENCH = Path(__file__).resolve().parent
APP = "bare:application"  # the app with the bare reference view in front (bench/bare.py)

# How each server configuration is started on a port; all serve APP.
SERVERS: dict[str, Callable[[int], list[str]]] = {
    "granian-2": lambda port: granian(port, workers=2, app=APP),
    "granian-4": lambda port: granian(port, workers=4, app=APP),
    "granian-2x1": lambda port: granian(
        port, workers=2, app=APP, extra=["--blocking-threads", "1"]
    ),
    "granian-2x4": lambda port: granian(
        port, workers=2, app=APP, extra=["--blocking-threads", "4"]
    ),
    "gunicorn-sync-4": lambda port: [
        *(sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"),
        *("--workers", "4", "--worker-class", "sync", "--log-level", "warning", APP),
    ],
    "gunicorn-gthread-2x4": lambda port: [
        *(sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"),
        *("--workers", "2", "--threads", "4", "--worker-class", "gthread"),
        *("--log-level", "warning", APP),
    ],
}

# Run inside the app (demo mode). On PostgreSQL: VACUUM ANALYZE. Then TOKENS citizen
# accounts with a fresh API token each; the public reports the reads use; leaf
# categories and districts for the new reports; the number of Open311 pages; and the
# queries one request of each kind makes (the second one, after a warm-up). Prints
# one line of JSON, last.
PREPARE = """
import json, math
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from aduan.accounts.models import ApiToken
from aduan.accounts.tokens import api_token_issue
from aduan.categories.models import Category
from aduan.open311.selectors import requests_filter, requests_public
from aduan.regions.models import Region
from aduan.reports.models import Report
from aduan.reports.selectors import report_list_public

if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
User = get_user_model()
ApiToken.objects.filter(user__username__startswith="bench.api.").delete()
tokens = []
for n in range(TOKENS):
    user, _ = User.objects.get_or_create(
        username=f"bench.api.{n}", defaults={"role": User.Role.CITIZEN}
    )
    tokens.append(api_token_issue(user=user, name="bench")[0])
reads = list(report_list_public().values_list("pk", "tracking_number")[:READS])
parents = Category.objects.filter(parent__isnull=False).values("parent_id")
leaves = list(
    Category.objects.filter(is_active=True)
    .exclude(pk__in=parents)
    .order_by("code")
    .values_list("code", flat=True)[:40]
)
districts = list(
    Region.objects.filter(level=Region.Level.DISTRICT)
    .order_by("code")
    .values_list("code", flat=True)[::200]
)
now = timezone.now()
window = requests_filter(requests_public(), start=now - timedelta(days=90), end=now).count()

client = Client(HTTP_HOST="127.0.0.1")
bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens[0]}"}
new = {
    "type": "complaint", "title": "Lampu jalan mati", "body": "Sudah seminggu mati.",
    "category": leaves[0], "region": districts[0], "anonymous": False, "confidential": False,
}


def queries(send):
    send()
    with CaptureQueriesContext(connection) as captured:
        status = send().status_code
    return [status, len(captured.captured_queries)]


counted = {
    "detail": queries(lambda: client.get(f"/api/v1/reports/{reads[0][1]}")),
    "open311": queries(lambda: client.get("/open311/v2/requests.json?page_size=100")),
    "create": queries(
        lambda: client.post(
            "/api/v1/reports", json.dumps(new), content_type="application/json", **bearer
        )
    ),
}
print(json.dumps({
    "tokens": tokens, "reads": reads, "leaves": leaves, "districts": districts,
    "window": window, "pages": max(1, math.ceil(window / 100)), "queries": counted,
    "reports": Report.objects.count(),
}))
"""

# wrk scripts: each thread walks its own list (offset by the thread's number).
ROTATE = """
local items = {%(items)s}
local threads = 0
function setup(thread) thread:set("offset", threads * 7919); threads = threads + 1 end
local i = 0
request = function()
  i = i + 1
  local n = ((offset or 0) + i) %% #items + 1
  return wrk.format("GET", items[n])
end
"""
CREATE = """
local tokens = {%(tokens)s}
local leaves = {%(leaves)s}
local districts = {%(districts)s}
local threads = 0
function setup(thread) thread:set("offset", threads * 7919); threads = threads + 1 end
local i = 0
request = function()
  i = i + 1
  local n = (offset or 0) + i
  local body = '{"type":"complaint","title":"Jalan berlubang di depan sekolah ' .. n ..
    '","body":"Lubang besar di jalan depan SD, sudah dua minggu, membahayakan ' ..
    'pengendara motor pada malam hari.","category":"' .. leaves[n %% #leaves + 1] ..
    '","region":"' .. districts[n %% #districts + 1] ..
    '","anonymous":false,"confidential":false}'
  return wrk.format("POST", "/api/v1/reports", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[n %% #tokens + 1],
  }, body)
end
"""


def lua_list(values: list[str]) -> str:
    return ",".join(json.dumps(value) for value in values)


@dataclasses.dataclass(frozen=True)
class Result:
    rps: float
    p50: float
    p99: float
    requests: int
    failed: int  # non-2xx answers and socket errors
    cpu: dict[str, float]  # share of one core, per party, over the run


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk_parse(output: str) -> tuple[float, float, float, int, int]:
    """Requests/s, p50 and p99 (ms), requests, failed ones, from ``wrk --latency``."""
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    failed = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        failed += int(match.group(1))
    if match := re.search(r"Socket errors: (.*)", output):
        failed += sum(int(n) for n in re.findall(r"\d+", match.group(1)))
    return rps, p50, p99, requests, failed


# -- where the CPU goes ---------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> Iterator[tuple[int, int, str, float]]:
    """pid, parent pid, name and CPU seconds of every process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        yield int(entry.name), int(fields[1]), name, (int(fields[11]) + int(fields[12])) / _TICK


def cpu_snapshot() -> dict[str, dict[int, float]]:
    """CPU seconds so far per process: this bench's server processes (its descendants
    but wrk), PostgreSQL's, and the whole machine's busy time (as pid 0)."""
    table = list(_processes())
    children: dict[int, list[int]] = {}
    for pid, parent, _name, _cpu in table:
        children.setdefault(parent, []).append(pid)
    ours: set[int] = set()
    todo = [os.getpid()]
    while todo:
        for child in children.get(todo.pop(), []):
            ours.add(child)
            todo.append(child)
    busy = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return {
        "server": {pid: cpu for pid, _p, name, cpu in table if pid in ours and name != "wrk"},
        "postgres": {pid: cpu for pid, _p, name, cpu in table if name.startswith("postgres")},
        "machine": {0: (sum(busy) - busy[3] - busy[4]) / _TICK},
    }


def cpu_used(
    before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]
) -> dict[str, float]:
    """CPU seconds between two snapshots per party (a process that ended in between
    is not counted; one that started is counted whole)."""
    return {
        party: sum(cpu - before[party].get(pid, 0.0) for pid, cpu in after[party].items())
        for party in after
    }


def wrk(
    port: int, path: str, *, script: Path, duration: int, connections: int, threads: int
) -> Result:
    before = cpu_snapshot()
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    command = ["wrk", "--latency", "--timeout", "10s", f"-t{threads}", f"-c{connections}"]
    command += [f"-d{duration}s"]
    command += ["-s", str(script), f"http://127.0.0.1:{port}{path}"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed: {done.stdout}{done.stderr}")
    elapsed = time.monotonic() - started
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = cpu_snapshot()
    cpu = {name: used / elapsed for name, used in cpu_used(before, after).items()}
    cpu["wrk"] = (
        wrk_after.ru_utime + wrk_after.ru_stime - wrk_before.ru_utime - wrk_before.ru_stime
    ) / elapsed
    rps, p50, p99, requests, failed = wrk_parse(done.stdout)
    if failed:  # timeouts (10 s) or answers other than 2xx
        print(done.stdout, file=sys.stderr)
    return Result(rps, p50, p99, requests, failed, cpu)


# -- the run --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--tokens", type=int, default=200, help="Citizen accounts that send.")
    parser.add_argument("--duration", type=int, default=10, help="Seconds per measurement.")
    parser.add_argument("--warmup", type=int, default=3, help="Seconds of warm-up per URL.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads.")
    parser.add_argument(
        "--servers", nargs="+", choices=sorted(SERVERS), default=["granian-2x1", "granian-2"]
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["bare", "detail", "open311", "create"],
        help="Measure only these (the bare view goes with the detail, its yardstick).",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit(f"bench/api.py needs wrk; install it with: {WRK_INSTALL}")
    servers = [name for name in args.servers if not name.startswith("gunicorn") or has_gunicorn()]
    for name in sorted(set(args.servers) - set(servers)):
        print(
            f"skipping {name}: no gunicorn in the venv (.venv/bin/python -m pip install gunicorn)"
        )

    database = bench_database("api.sqlite3")
    rates = {"ADUAN_RATE_LIMITS": "report=100000000/m"}
    demo = {**os.environ, "DATABASE_URL": database, "ADUAN_MODE": "demo", **rates}
    demo |= {"ADUAN_VAR_DIR": str(VAR), "LOG_LEVEL": "warning"}
    manage("migrate", "-v0", env=demo)
    manage("load_reference_data", "--no-progress", env=demo)
    manage("seed_demo", "--reports", str(args.reports), env=demo)
    print("preparing: VACUUM ANALYZE, tokens, query counts …", flush=True)
    code = PREPARE.replace("TOKENS", str(args.tokens)).replace("READS", str(READS))
    prepared = json.loads(
        subprocess.run(
            [*MANAGE, "shell", "-c", code],
            env=demo,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()[-1]
    )
    for what, (status, count) in prepared["queries"].items():
        print(f"queries per request, {what}: {count} (status {status})")

    scripts = VAR / "api-wrk"
    scripts.mkdir(parents=True, exist_ok=True)
    reads = prepared["reads"]
    urls = {
        "bare": [f"/bench/bare/{pk}" for pk, _number in reads],
        "detail": [f"/api/v1/reports/{number}" for _pk, number in reads],
        "open311 p1": ["/open311/v2/requests.json?page_size=100"],
        "open311 pN": [
            f"/open311/v2/requests.json?page_size=100&page={n}"
            for n in range(1, prepared["pages"] + 1)
        ],
    }
    for name, paths in urls.items():
        (scripts / f"{name.replace(' ', '-')}.lua").write_text(ROTATE % {"items": lua_list(paths)})
    (scripts / "create.lua").write_text(
        CREATE
        % {
            "tokens": lua_list(prepared["tokens"]),
            "leaves": lua_list(prepared["leaves"]),
            "districts": lua_list(prepared["districts"]),
        }
    )
    measures = [*urls, "create"]
    if args.only:
        wanted = set(args.only) | ({"bare"} if "detail" in args.only else set())
        measures = [what for what in measures if what.split()[0] in wanted]

    # The same database and keys (kept in var/bench by demo mode), served as production.
    env = {
        **as_production(demo),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH), os.environ.get("PYTHONPATH")])),
    }
    print(
        f"database: {database.split('://')[0]}, {prepared['reports']:,} reports; "
        f"reads over {len(reads)} public reports, Open311 over {prepared['pages']} pages "
        f"({prepared['window']:,} public reports in 90 days); wrk -t{args.threads} "
        f"-c{args.connections}, {args.duration} s each after {args.warmup} s warm-up"
    )
    results: dict[str, dict[str, Result]] = {}
    for server in servers:
        print(f"\n{server}:")
        print(
            f"{'what':<11} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'failed':>6} "
            f"{'CPU ms/req: server':>18} {'postgres':>8}   cores: server, postgres, wrk, machine"
        )
        results[server] = {}
        with served(env, command=SERVERS[server]) as conn:
            port = int(conn.port)
            for what in measures:
                script = scripts / f"{what.replace(' ', '-')}.lua"
                for duration in (args.warmup, args.duration):
                    result = wrk(
                        port,
                        "/",
                        script=script,
                        duration=duration,
                        connections=args.connections,
                        threads=args.threads,
                    )
                results[server][what] = result
                cpu = result.cpu
                print(
                    f"{what:<11} {result.rps:7.0f} {result.p50:7.1f} {result.p99:7.1f} "
                    f"{result.failed:6d} {per_request(result, 'server'):18.2f} "
                    f"{per_request(result, 'postgres'):8.2f}   {cpu['server']:.2f}, "
                    f"{cpu['postgres']:.2f}, {cpu['wrk']:.2f}, {cpu['machine']:.2f}",
                    flush=True,
                )
            if {"detail", "bare"} <= set(results[server]):
                ratio = results[server]["detail"].rps / results[server]["bare"].rps
                print(f"detail / bare: {ratio:.0%}")
    verdict(results)
    if any(r.failed for by_what in results.values() for r in by_what.values()):
        raise SystemExit("some requests failed (wrk's output is above)")


def per_request(result: Result, party: str) -> float:
    """CPU milliseconds ``party`` spent per request: what a request costs, which holds
    better than the rate when other work shares the cores."""
    return result.cpu[party] * 1000 / result.rps if result.rps else 0.0


def verdict(results: dict[str, dict[str, Result]]) -> None:
    """The targets, for the server with the best sum of normalised rates."""
    best = max(
        results,
        key=lambda server: sum(
            r.rps / max(other[w].rps for other in results.values())
            for w, r in results[server].items()
        ),
    )
    r = results[best]
    checks: list[tuple[str, str, Callable[[], bool]]] = [
        ("create ≥ 500/s", "create", lambda: r["create"].rps >= 500),
        ("create p99 ≤ 100 ms", "create", lambda: r["create"].p99 <= 100),
        ("detail ≥ 1,500/s", "detail", lambda: r["detail"].rps >= 1500),
        ("detail ≥ 90 % of bare", "detail", lambda: r["detail"].rps >= 0.9 * r["bare"].rps),
        ("open311 ≥ 300/s (page 1)", "open311 p1", lambda: r["open311 p1"].rps >= 300),
        ("open311 ≥ 300/s (every page)", "open311 pN", lambda: r["open311 pN"].rps >= 300),
    ]
    print(f"\nbest: {best}")
    for name, measured, ok in checks:
        if measured in r:
            print(f"  {'met   ' if ok() else 'MISSED'} {name}")


def has_gunicorn() -> bool:
    return importlib.util.find_spec("gunicorn") is not None


if __name__ == "__main__":
    main()
