"""Benchmark: the place reader (aduan/triage/places.py) — its index's build time and
memory, the time of one reading, and how often it reads right.

1. Builds the index (all 91,599 region names) three times: the time of each build,
   and the memory the index holds (tracemalloc: what stays allocated after the build).
2. Reads the labelled texts of the tests (tests/triage/place_texts.py: SMS shorthand,
   e-mails, ambiguous village names, streets named after places, texts naming none):
   the share read right (the region, and the candidates listed when it stops above
   them) and the time of each reading.
3. Reads texts made from randomly drawn regions (seeded), as citizens write an
   address: "Desa X, Kecamatan Y, Kabupaten Z", "ds X kab Z" (no district), "kec. Y
   Z" (a district and its regency, no prefix), and a village's name alone with the
   sender's earlier report in its district as a hint. For each form: the share read
   exactly, read at a level above (correct but coarser: the name is shared within
   the regency), wrong, and not read; and the time of each reading (p50, p99).
4. With demo reports in the database (``seed_demo``): reads each sampled report's
   title and body (no address, no hints: as an SMS arrives) and compares with the
   region it was verified with.
5. With ``--laporgub FILE`` (../shared/data/laporgub-2024-2025.csv: complaints to the
   Governor of Central Java, lower-cased and stemmed by their publishers): the share
   of readings that fall inside Central Java (province 33), a proxy for precision on
   real complaint text — a complaint may name another province, and stemming
   mangles some names ("Pemalang" becomes "malang").

    .venv/bin/python bench/places.py [--samples 2000] [--demo 3000] [--laporgub FILE]
    DATABASE_URL=sqlite:///var/bench/portal.sqlite3 .venv/bin/python bench/places.py --no-seed
"""

import argparse
import csv
import os
import random
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from harness import VAR, bench_database, manage, percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000, help="Regions drawn per form.")
    parser.add_argument("--demo", type=int, default=3000, help="Demo reports sampled.")
    parser.add_argument("--laporgub", type=Path, help="The Lapor Gub CSV, for the proxy.")
    parser.add_argument("--no-seed", action="store_true", help="Use the database as it is.")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()

    database = bench_database("places.sqlite3")
    env = {**os.environ, "DATABASE_URL": database, "ADUAN_VAR_DIR": str(VAR)}
    env |= {"LOG_LEVEL": "warning"}
    if not args.no_seed:
        manage("migrate", "-v0", env=env)
        manage("load_reference_data", "--no-progress", env=env)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    build()
    labelled()
    forms(args)
    demo(args)
    if args.laporgub:
        laporgub(args.laporgub)


def _rss_mib() -> float:
    """This process's resident memory (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def build() -> None:
    from aduan.triage.gazetteer import gazetteer

    before = _rss_mib()
    started = time.perf_counter()
    kept = gazetteer()  # as a web process builds it: its first reading
    first = time.perf_counter() - started
    grown = _rss_mib() - before
    print("## index")
    print(f"first build in this process {first:.2f} s; resident memory grew {grown:.1f} MiB")
    del kept
    build_again()


def build_again() -> None:
    from aduan.triage.gazetteer import gazetteer_build

    times = []
    for _ in range(3):
        started = time.perf_counter()
        gazetteer_build()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    index = gazetteer_build()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"regions {len(index.codes):,}, keys {len(index.keys):,}")
    print("build s: " + ", ".join(f"{value:.2f}" for value in times))
    print(f"memory held {held / 2**20:.1f} MiB (peak while building {peak / 2**20:.1f} MiB)")


def labelled() -> None:
    from aduan.triage.places import place_read
    from tests.triage.place_texts import PLACE_TEXTS

    place_read("Kota Cirebon")  # the index is built before the timing starts
    right = 0
    timings: list[float] = []
    for entry in PLACE_TEXTS:
        started = time.perf_counter()
        reading = place_read(entry.text)
        timings.append((time.perf_counter() - started) * 1000)
        got = reading.code if reading is not None else None
        listed = set(reading.candidates) if reading is not None else set()
        right += got == entry.code and set(entry.candidates) <= listed
    known = sum(1 for entry in PLACE_TEXTS if entry.miss)
    print(f"\n## the labelled texts (tests/triage/place_texts.py, {len(PLACE_TEXTS)} texts)")
    print(
        f"right {right} of {len(PLACE_TEXTS)} ({100 * right / len(PLACE_TEXTS):.1f}%; "
        f"{known} known misses listed); one reading: p50 {percentile(timings, 0.5):.2f} ms, "
        f"p99 {percentile(timings, 0.99):.2f} ms, max {max(timings):.2f} ms"
    )


def _stripped(name: str) -> str:
    for prefix in ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def forms(args: argparse.Namespace) -> None:
    from aduan.regions.models import Region
    from aduan.triage.places import PlaceHints, place_read

    names = dict(Region.objects.values_list("code", "name"))
    villages = sorted(code for code in names if code.count(".") == 3)
    rng = random.Random(args.seed)
    drawn = rng.sample(villages, args.samples)
    timings: list[float] = []

    place_read("Kota Cirebon")  # the index is built before the timing starts

    def read(text: str, hints: PlaceHints) -> str | None:
        started = time.perf_counter()
        reading = place_read(text, hints=hints)
        timings.append(time.perf_counter() - started)
        return reading.code if reading is not None else None

    print("\n## texts made from regions drawn at random")
    print("| form | exact | coarser | wrong | none |")
    print("|---|---:|---:|---:|---:|")
    # Each form: a village's code → the text, the code it must give, the hints.
    kinds: dict[str, Callable[[str], tuple[str, str, PlaceHints]]] = {
        "Desa X, Kecamatan Y, Kabupaten Z": lambda v: (
            f"Jalan rusak di {'Kelurahan' if v[-4] == '1' else 'Desa'} {names[v]}, "
            f"Kecamatan {names[v[:8]]}, {names[v[:5]]}",
            v,
            PlaceHints(),
        ),
        "ds X kab Z (no district)": lambda v: (
            f"lapor jln rusak ds {names[v].lower()} "
            f"{'kota' if int(v[3:5]) >= 71 else 'kab'} {_stripped(names[v[:5]]).lower()}",
            v,
            PlaceHints(),
        ),
        "kec. Y Z (district, bare regency)": lambda v: (
            f"sampah menumpuk di kec. {names[v[:8]]} {_stripped(names[v[:5]])}",
            v[:8],
            PlaceHints(),
        ),
        "X alone + earlier report in its district": lambda v: (
            f"lampu jalan mati di {names[v]} sudah seminggu",
            v,
            PlaceHints(regions=(v[:8],)),
        ),
    }
    for label, make in kinds.items():
        counts: Counter[str] = Counter()
        for village in drawn:
            text, want, hints = make(village)
            got = read(text, hints)
            if got == want:
                counts["exact"] += 1
            elif got is None:
                counts["none"] += 1
            elif want.startswith(got + "."):
                counts["coarser"] += 1
            else:
                counts["wrong"] += 1
        shares = [f"{100 * counts[key] / len(drawn):.1f}%" for key in ("exact", "coarser")]
        shares += [f"{100 * counts[key] / len(drawn):.1f}%" for key in ("wrong", "none")]
        print(f"| {label} | " + " | ".join(shares) + " |")
    ms = [value * 1000 for value in timings]
    print(
        f"\none reading: p50 {percentile(ms, 0.5):.2f} ms, p99 {percentile(ms, 0.99):.2f} ms, "
        f"max {max(ms):.2f} ms ({len(ms):,} readings)"
    )


def demo(args: argparse.Namespace) -> None:
    from aduan.reports.models import Report
    from aduan.triage.places import place_read

    ids = list(Report.objects.filter(region__isnull=False).values_list("pk", flat=True))
    if not ids:
        print("\n(no demo reports in this database: seed_demo, then --no-seed)")
        return
    rng = random.Random(args.seed)
    sample = rng.sample(ids, min(args.demo, len(ids)))
    reports = list(Report.objects.filter(pk__in=sample).only("title", "body", "address", "region"))
    variants: dict[str, Callable[[Report], str]] = {
        "title and body only (as an SMS arrives)": lambda r: f"{r.title}\n{r.body}",
        "title, body and address": lambda r: f"{r.title}\n{r.body}\n{r.address}",
    }
    for label, text_of in variants.items():
        counts: Counter[str] = Counter()
        timings: list[float] = []
        for report in reports:
            started = time.perf_counter()
            reading = place_read(text_of(report))
            timings.append((time.perf_counter() - started) * 1000)
            want = str(report.region_id)
            if reading is None:
                counts["none"] += 1
            elif reading.code == want:
                counts["exact"] += 1
            elif want.startswith(reading.code + "."):
                counts["coarser"] += 1
            else:
                counts["wrong"] += 1
        total = sum(counts.values())
        print(f"\n## demo reports: {label} ({total:,} sampled)")
        print(
            ", ".join(f"{key} {100 * counts[key] / total:.1f}%" for key in ("exact", "coarser"))
            + ", "
            + ", ".join(f"{key} {100 * counts[key] / total:.1f}%" for key in ("wrong", "none"))
        )
        p50, p99 = percentile(timings, 0.5), percentile(timings, 0.99)
        print(f"one reading: p50 {p50:.2f} ms, p99 {p99:.2f} ms")


def laporgub(path: Path) -> None:
    from aduan.triage.places import place_read

    with path.open(encoding="utf-8", newline="") as file:
        texts = [row["text"] for row in csv.DictReader(file)]
    levels: Counter[str] = Counter()
    inside = 0
    timings: list[float] = []
    for text in texts:
        started = time.perf_counter()
        reading = place_read(text)
        timings.append((time.perf_counter() - started) * 1000)
        if reading is None:
            levels["none"] += 1
            continue
        levels[reading.level] += 1
        inside += reading.code.startswith("33")
    read = len(texts) - levels["none"]
    print(f"\n## Lapor Gub ({len(texts):,} complaints to the Governor of Central Java)")
    print(
        f"read {read:,} ({100 * read / len(texts):.1f}%); inside Central Java "
        f"{inside:,} ({100 * inside / max(read, 1):.1f}% of those read)"
    )
    print("by level: " + ", ".join(f"{level} {count:,}" for level, count in levels.items()))
    print(
        f"one reading: p50 {percentile(timings, 0.5):.2f} ms, "
        f"p99 {percentile(timings, 0.99):.2f} ms, max {max(timings):.2f} ms"
    )


if __name__ == "__main__":
    main()
