"""Benchmark: triage's suggestions on the demo history with 100,000 reports (issue 20).

Seeds the bench database (DATABASE_URL, default var/bench/portal.sqlite3) with the
demo data up to --reports reports, unless --no-seed, then:

1. **Training** (target: under 2 minutes): runs ``python -m aduan triage_train`` as
   the worker does (both kinds, each checked on a time split first, so each is
   fitted twice) and prints its wall time, each kind's own time as stored with the
   model, and the process's peak memory. --no-train keeps the active models.
2. **Memory per process** (target: under 100 MB): in a fresh process that has
   imported everything a web process imports, the resident memory before and after
   loading the active models, and their stored (pickled, signed) size. Every web
   process and every worker holds its own copy.
3. **Served** (target: one suggestion under 20 ms): the app under granian
   (production mode, 2 WSGI workers), signed in as the demo national admin past the
   second factor, over --sample reports of the verification queue, each requested
   --rounds times (the first request of a report also keeps what was suggested,
   a write): the suggestions as JSON (``/kantor/laporan/<n>/saran``: category,
   agency, place read from the text, duplicates), and the case page with the
   suggestions and served again with ADUAN_TRIAGE_SUGGEST=false: the difference is
   the learned suggestion's (and the place reading's) own cost. Then the resident
   memory of the granian workers.
4. **In process**, per report of the same sample: the time of each part (the learned
   category and agency, the place reader, the routing table, the duplicate finder).
5. **Accuracy** on the demo history, by time (the earliest 80% of the verified
   reports to train, the latest 20% to test): ``python -m aduan triage_evaluate
   --history --json``: top-1 and top-3 accuracy and macro-F1, category and agency.

Timing figures taken while other work runs on the machine are noisy: the load
(``os.getloadavg``) is printed with them.

    .venv/bin/python bench/triage.py --no-seed [--no-train] [--sample 100] [--rounds 2]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_portal \\
        .venv/bin/python bench/triage.py --no-seed
"""

import argparse
import http.client
import json
import os
import resource
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness import (
    MANAGE,
    ROOT,
    VAR,
    as_production,
    bench_database,
    bench_values,
    get,
    manage,
    percentile,
    served,
    sessions,
)

NATIONAL = "nasional"

# Run inside the app: a sample of the verification queue (reports waiting for the
# national admin), drawn with a fixed seed. Prints "bench: case NUMBER" lines.
SAMPLE = """
import random
from aduan.reports.models import Report, State

numbers = list(
    Report.objects.filter(state=State.SUBMITTED)
    .order_by("pk")
    .values_list("tracking_number", flat=True)
)
for number in random.Random(20).sample(numbers, min(SIZE, len(numbers))):
    print("bench: case", number)
"""

# Run inside the app: the resident memory of a process that imported what a web
# process imports, before and after it loads the active models (as the first
# suggestion does), and the models' stored size.
MEMORY = """
import gc
from aduan.triage.models import Kind, TriageModel
from aduan.triage.selectors import active_model
import aduan.urls  # every view and what it imports, as a web process has

def rss():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024

gc.collect()
before = rss()
for kind in (Kind.CATEGORY, Kind.AGENCY):
    model = active_model(kind)
    if model is None:
        print("bench:", kind, "none")
        continue
    model.classifier.top("Jalan berlubang di depan pasar, mohon segera diperbaiki.")
    stored = TriageModel.objects.get(pk=model.pk)
    print("bench:", f"{kind}_stored", len(stored.data))
    print("bench:", f"{kind}_payload", model.classifier.memory_bytes())
    print("bench:", f"{kind}_labels", len(model.classifier.labels))
    print("bench:", f"{kind}_version", model.version)
gc.collect()
print("bench: before", before)
print("bench: after", rss())
"""

# Run inside the app: each part of a suggestion timed in process over the sample.
PARTS = """
import statistics, time
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from aduan.routing.selectors import report_routing_suggest
from aduan.triage.duplicates import duplicate_candidates
from aduan.triage.models import Kind
from aduan.triage.places import report_place_read
from aduan.triage.selectors import active_model, triage_suggest
from aduan.triage.training import report_text

national = Actor(role="national_admin")
reports = list(Report.objects.filter(tracking_number__in=NUMBERS).select_related(
    "category", "region", "agency_hint"))
category, agency = active_model(Kind.CATEGORY), active_model(Kind.AGENCY)

def category_model(report):
    if category is not None:
        category.classifier.top(report_text(title=report.title, body=report.body))

def agency_model(report):
    if agency is not None:
        code = report.category.code if report.category is not None else ""
        agency.classifier.top(report_text(
            title=report.title, body=report.body, category=code, target="agency"))

parts = {
    "category_model": category_model,
    "agency_model": agency_model,
    "place": report_place_read,
    "routing": lambda report: report_routing_suggest(report=report),
    "suggest_all": lambda report: triage_suggest(actor=national, report=report),
    "duplicates": lambda report: duplicate_candidates(actor=national, report=report),
}
for name, part in parts.items():
    for report in reports[:5]:
        part(report)  # warm: indexes, memos
    timings = []
    for report in reports:
        started = time.perf_counter()
        part(report)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    print("bench:", name, f"{statistics.median(timings):.2f}/{p95:.2f}")
"""


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def mib(count: float) -> str:
    return f"{count / 2**20:.1f} MiB"


def train(env: Mapping[str, str]) -> None:
    print(f"\n## training (python -m aduan triage_train), {load()}")
    started = time.perf_counter()
    subprocess.run([*MANAGE, "triage_train", "--no-progress"], env=dict(env), cwd=ROOT, check=True)
    seconds = time.perf_counter() - started
    # ru_maxrss of the children: the largest, and this is the first big one (kB).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(f"wall time: {seconds:.1f} s (target < 120 s); peak memory: {mib(peak)}; {load()}")
    stored = bench_values(
        env,
        "from aduan.triage.models import TriageModel\n"
        "for m in TriageModel.objects.filter(is_active=True):\n"
        "    print('bench:', m.kind, f'{m.seconds:.1f}s/{m.report_count}/{m.negative_count}"
        "/{m.label_count}')\n",
    )
    for kind, value in stored.items():
        seconds_, reports, negatives, labels = value.split("/")
        print(
            f"  {kind}: {seconds_} ({reports} verified reports, {negatives} bounces as "
            f"negatives, {labels} classes)"
        )


def memory(env: Mapping[str, str]) -> None:
    print(f"\n## memory per process, {load()}")
    values = bench_values(env, MEMORY)
    before, after = int(values["before"]), int(values["after"])
    for kind in ("category", "agency"):
        if f"{kind}_stored" not in values:
            print(f"{kind}: no active model")
            continue
        print(
            f"{kind} model {values[f'{kind}_version']}: {values[f'{kind}_labels']} classes, "
            f"stored {mib(int(values[f'{kind}_stored']))}, "
            f"pickled payload {mib(int(values[f'{kind}_payload']))}"
        )
    print(
        f"resident memory: {mib(before)} before loading, {mib(after)} after: the models "
        f"hold {mib(after - before)} (target < 100 MiB)"
    )


def _rss_of_workers(port: int) -> list[int]:
    """The resident memory of the granian processes serving ``port`` (the main one
    and its workers): found by their command line, and their descendants."""
    table: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        table[int(entry.name)] = (parent, command)
    family = {pid for pid, (_p, command) in table.items() if f"--port {port} " in command}
    while True:  # and every descendant (the workers, however granian starts them)
        more = {pid for pid, (parent, _c) in table.items() if parent in family} - family
        if not more:
            break
        family |= more
    sizes = []
    for pid in sorted(family):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) * 1024)
        except OSError:
            continue
    return sizes


def _timed(
    conn: http.client.HTTPConnection, urls: Sequence[str], cookie: str, rounds: int
) -> tuple[float, float]:
    """p50 and p95 (ms) of ``rounds`` requests of each URL, each round in order."""
    headers = {"Cookie": cookie, "Accept": "text/html,application/json"}
    for url in urls[:5]:
        get(conn, url, headers)  # warm: the models, the place reader's index, memos
    timings = []
    for _round in range(rounds):
        for url in urls:
            started = time.perf_counter()
            status, body = get(conn, url, headers)
            timings.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{url} answered {status}: {body[:200]!r}")
    return statistics.median(timings), percentile(timings, 0.95)


def serve(demo: Mapping[str, str], cases: Sequence[str], rounds: int) -> None:
    session = sessions(demo, [NATIONAL])[NATIONAL]
    cookie = f"sessionid={session}"
    env = as_production(demo)
    pages = [f"/kantor/laporan/{number}" for number in cases]
    print(f"\n## served (granian, 2 workers), {len(cases)} reports x {rounds} rounds, {load()}")
    print(f"{'request':<58} {'p50 ms':>7} {'p95 ms':>7}")
    with served({**env, "ADUAN_TRIAGE_SUGGEST": "false"}) as conn:
        off = _timed(conn, pages, cookie, rounds)
    with served(env) as conn:
        idle = _rss_of_workers(conn.port)
        suggestions = _timed(conn, [f"{page}/saran" for page in pages], cookie, rounds)
        on = _timed(conn, pages, cookie, rounds)
        busy = _rss_of_workers(conn.port)
    rows = (
        ("suggestions as JSON (category, agency, place, duplicates)", suggestions),
        ("case page with the suggestions", on),
        ("case page, ADUAN_TRIAGE_SUGGEST=false", off),
    )
    for name, (p50, p95) in rows:
        print(f"{name:<58} {p50:7.1f} {p95:7.1f}")
    print(
        f"the suggestions' own cost on the case page: p50 {on[0] - off[0]:+.1f} ms, "
        f"p95 {on[1] - off[1]:+.1f} ms (target: one suggestion < 20 ms); {load()}"
    )
    print(
        "granian processes' resident memory: "
        + (", ".join(mib(size) for size in idle) or "not found")
        + " after start; "
        + (", ".join(mib(size) for size in busy) or "not found")
        + " after the suggestions"
    )


def parts(env: Mapping[str, str], cases: Sequence[str]) -> None:
    print(f"\n## in process, per report (p50/p95 ms), {load()}")
    values = bench_values(env, f"NUMBERS = {list(cases)!r}\n{PARTS}")
    for name, figure in values.items():
        print(f"{name:<16} {figure}")


def accuracy(env: Mapping[str, str]) -> None:
    print(f"\n## accuracy on the demo history, by time (triage_evaluate --history), {load()}")
    started = time.perf_counter()
    output = subprocess.run(
        [*MANAGE, "triage_evaluate", "--history", "--json", "--no-progress"],
        env=dict(env),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    results = json.loads(output.strip().splitlines()[-1])
    print("| target | train | test | top-1 accuracy | top-3 accuracy | macro-F1 |")
    print("|---|---:|---:|---:|---:|---:|")
    for target in ("category", "agency"):
        result = results[target]
        print(
            f"| {target} | {result['n_train']:,} | {result['n_test']:,} | "
            f"{result['accuracy']:.3f} | {result['top3_accuracy']:.3f} | "
            f"{result['macro_f1']:.3f} |"
        )
    print(f"({time.perf_counter() - started:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--no-seed", action="store_true", help="Use the database as it is.")
    parser.add_argument("--no-train", action="store_true", help="Keep the active models.")
    parser.add_argument("--sample", type=int, default=100, help="Reports of the queue timed.")
    parser.add_argument("--rounds", type=int, default=2, help="Requests of each report.")
    parser.add_argument("--no-accuracy", action="store_true", help="Skip the evaluation.")
    args = parser.parse_args()

    database = bench_database("portal.sqlite3")
    demo = {**os.environ, "DATABASE_URL": database, "ADUAN_MODE": "demo"}
    demo |= {"ADUAN_VAR_DIR": str(VAR), "LOG_LEVEL": "warning"}
    if not args.no_seed:
        manage("migrate", "-v0", env=demo)
        manage("load_reference_data", "--no-progress", env=demo)
        manage("seed_demo", "--reports", str(args.reports), "--no-progress", env=demo)
    count = bench_values(
        demo,
        "from aduan.reports.models import Report\nprint('bench: reports', Report.objects.count())",
    )["reports"]
    print(f"database: {database.split('://')[0]}, {int(count):,} reports; {os.cpu_count()} cores")
    if not args.no_train:
        train(demo)
    memory(demo)
    cases = [
        value
        for line in subprocess.run(
            [*MANAGE, "shell", "-c", f"SIZE = {args.sample}\n{SAMPLE}"],
            env=demo,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        if line.startswith("bench: case ")
        for value in [line.split()[-1]]
    ]
    serve(demo, cases, args.rounds)
    parts(demo, cases)
    if not args.no_accuracy:
        accuracy(demo)


if __name__ == "__main__":
    main()
