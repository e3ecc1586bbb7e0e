"""Benchmark: how many reports would reach the verifier without a place (or with too
little text) when filed one-shot, as an SMS is, and through the guided chat
conversation (aduan/intake/conversation.py, issue 21), on real complaint texts.

Verifiers archive a report as incomplete (``ArchiveReason.INCOMPLETE``) when it
does not say where and what happened. The texts: a seeded sample (--sample, --seed)
of ../shared/data/laporgub-2024-2025.csv (10,047 complaints to the Governor of
Central Java; lower-cased, stemmed, stop words removed by their publishers: read
the README.md beside it).

1. A fresh database (an SQLite file under var/bench/, or the PostgreSQL database
   DATABASE_URL names, which the bench creates and drops) is migrated and given the
   reference data (all 91,599 regions).
2. One-shot: each text is posted to the Kannel endpoint (``/channels/sms/kannel``,
   Django's test client, no HTTP server) from a number of its own, as smsbox posts
   an SMS: the message becomes a report at once. Kept: whether the report has a
   region or an address, its words, and the place the verification page reads from
   its text (``report_place_read``), which the verifier sees as a suggestion.
3. Guided: the same text is the first message of a Telegram chat (the webhook,
   ``/channels/telegram/webhook``, through tests/channels/telegram/chat.py's
   ``Citizen``), from an account of its own. Then a scripted citizen answers each
   question the bot asks, reading the bot's answer (an outbox row; no worker runs,
   so nothing leaves): the first type button (Pengaduan), a place typed as
   "Desa X, Kecamatan Y, Kabupaten Z" for a village of Central Java drawn with the
   seed (the same again when it is not recognised), the Lewati button for the
   photo, the Kirim button to confirm; what happened, if asked, is the text once
   more. A citizen asked the same question ``ASKED_MAX`` times in a row walks away;
   at the end the conversations sweep runs an idle day later, and files what those
   have or drops them, as the worker would.
4. A table: reports without a region (and without any place) on each path, reports
   with fewer than the conversation's ``TEXT_WORDS_MIN`` words, the first messages
   already complete, the turns of the guided path (p50, p90), and the wall time.

The citizen of the guided path is scripted to answer: the figure is how many reports
the conversation keeps from reaching the verifier without a place given a citizen
who answers, not how many citizens answer.

    .venv/bin/python bench/guided.py [--sample 1000] [--seed 21] [--data FILE] [--keep]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_bench_guided \\
        .venv/bin/python bench/guided.py
"""

import argparse
import csv
import os
import random
import statistics
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from tqdm import tqdm

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
from harness import VAR, manage, percentile  # noqa: E402

if TYPE_CHECKING:
    from django.test import Client

    from aduan.reports.models import Report
    from tests.channels.telegram.chat import Citizen

DATA = ROOT.parent / "shared" / "data" / "laporgub-2024-2025.csv"
SMS_SECRET = "bench-guided-sms-secret"  # noqa: S105 (the bench's own, for its own app)
TELEGRAM_SECRET = "bench-guided-telegram-secret"  # noqa: S105
PHONE_BASE = 6281300000000  # one SMS number per text: +62813…
TELEGRAM_BASE = 7_100_000_000  # one Telegram account per text
ASKED_MAX = 3  # the same question this many times in a row: the citizen walks away
TURNS_MAX = 12  # messages one scripted citizen sends at most
CENTRAL_JAVA = "33"  # Lapor Gub's province: where the typed places are drawn


@dataclass(frozen=True, slots=True)
class Filed:
    """What became of one text on one path."""

    first: str  # the outcome of its first message (report, step, help, …)
    report: int | None  # the report's id
    turns: int = 1
    walked_away: bool = False
    asked_place: bool = False


@dataclass(frozen=True, slots=True)
class Village:
    """A place a scripted citizen types."""

    code: str
    typed: str


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=1000, help="Texts drawn from the file.")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--data", type=Path, default=DATA, help="The Lapor Gub CSV.")
    parser.add_argument("--keep", action="store_true", help="Keep the bench database.")
    args = parser.parse_args()

    with args.data.open(encoding="utf-8", newline="") as file:
        texts = [row["text"] for row in csv.DictReader(file)]
    rng = random.Random(args.seed)
    sample = rng.sample(texts, min(args.sample, len(texts)))

    started = time.monotonic()
    database = fresh_database()
    try:
        env = {**os.environ, "DATABASE_URL": database, "ADUAN_VAR_DIR": str(VAR)}
        env |= {"ADUAN_MODE": "demo", "DEBUG": "false", "LOG_LEVEL": "warning"}
        env |= {"ADUAN_SMS_SECRET": SMS_SECRET, "ADUAN_TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET}
        env |= {"ADUAN_TELEGRAM_BOT_TOKEN": ""}  # answers stay in the outbox: no Bot API
        manage("migrate", "-v0", env=env)
        manage("load_reference_data", "--no-progress", env=env)
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "aduan.settings"
        import django

        django.setup()
        set_up = time.monotonic() - started
        run(sample, rng, set_up=set_up, args=args)
    finally:
        if not args.keep:
            database_drop(database)


# -- the database ----------------------------------------------------------------------


def fresh_database() -> str:
    """DATABASE_URL's PostgreSQL database, created (it must not exist yet: the bench
    drops it at the end), or a new SQLite file under var/bench/."""
    VAR.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL", f"sqlite:///{VAR / 'guided.sqlite3'}")
    if not url.startswith("postgres"):
        for path in _sqlite_files(url):
            path.unlink(missing_ok=True)
        return url
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(_server(base), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise SystemExit(f"database {name} exists: drop it or name another one")
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def database_drop(url: str) -> None:
    if not url.startswith("postgres"):
        for path in _sqlite_files(url):
            path.unlink(missing_ok=True)
        return
    import psycopg

    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    base, _, name = url.rpartition("/")
    with psycopg.connect(_server(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _server(base: str) -> str:
    return f"{base}/postgres".replace("postgres://", "postgresql://", 1)


def _sqlite_files(url: str) -> list[Path]:
    path = Path(url.removeprefix("sqlite:///"))
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


# -- the two paths ---------------------------------------------------------------------


def run(sample: list[str], rng: random.Random, *, set_up: float, args: argparse.Namespace) -> None:
    from django.test import Client

    # The app in process serves no static files: never mind their missing directory.
    warnings.filterwarnings("ignore", message="No directory at")
    client = Client(HTTP_HOST="127.0.0.1")
    places = villages(rng, len(sample))

    started, cpu = time.monotonic(), time.process_time()
    shots = [one_shot(client, n, text) for n, text in enumerate(tqdm(sample, desc="one-shot"))]
    shot_seconds, shot_cpu = time.monotonic() - started, time.process_time() - cpu

    started, cpu = time.monotonic(), time.process_time()
    chats = [
        guided(client, n, text, places[n]) for n, text in enumerate(tqdm(sample, desc="guided"))
    ]
    closed = sweep()
    chats = [after_sweep(n, filed) for n, filed in enumerate(chats)]
    guided_seconds, guided_cpu = time.monotonic() - started, time.process_time() - cpu

    print(
        f"\n{len(sample):,} texts from {args.data.name} (seed {args.seed}); "
        f"database {os.environ['DATABASE_URL'].partition(':')[0]}; "
        f"set-up {set_up:.1f} s; conversations closed by the sweep: {closed}"
    )
    report_table(sample, shots, chats, places, seconds=(shot_seconds, guided_seconds))
    # The bench's own CPU (the app runs in it; PostgreSQL's server does not count):
    # a figure that holds better than the wall time when other work shares the cores.
    print(
        f"this process's CPU: one-shot {shot_cpu:.1f} s, guided {guided_cpu:.1f} s; "
        f"messages sent on the guided path {sum(f.turns for f in chats):,}"
    )


def one_shot(client: "Client", n: int, text: str) -> Filed:
    """The text as an SMS to 1708, as Kannel's smsbox posts it."""
    from aduan.channels.sms.models import InboundSms

    gateway_id = f"guided-{n}"
    params = {
        "from": f"+{PHONE_BASE + n}",
        "to": "1708",
        "text": text,
        "smsc": "bench",
        "ts": f"2026-12-08 09:{n // 60 % 60:02d}:{n % 60:02d}",
        "id": gateway_id,
        "coding": "0",
        "charset": "UTF-8",
        "secret": SMS_SECRET,
    }
    response = client.get(f"/channels/sms/kannel?{urlencode(params)}")
    if response.status_code != 200:
        raise SystemExit(f"the SMS endpoint answered {response.status_code}")
    record = InboundSms.objects.get(gateway_id=gateway_id)
    return Filed(first=record.outcome, report=record.report_id)


def villages(rng: random.Random, count: int) -> list[Village]:
    """A village of Central Java for each text, as a citizen types it."""
    from aduan.regions.models import Region

    names = dict(
        Region.objects.filter(code__startswith=f"{CENTRAL_JAVA}.").values_list("code", "name")
    )
    codes = sorted(code for code in names if code.count(".") == 3)
    drawn = [rng.choice(codes) for _ in range(count)]
    return [
        Village(
            code,
            f"{'Kelurahan' if code[-4] == '1' else 'Desa'} {names[code]}, "
            f"Kecamatan {names[code[:8]]}, {names[code[:5]]}",
        )
        for code in drawn
    ]


def guided(client: "Client", n: int, text: str, place: Village) -> Filed:
    """The text as the first message of a Telegram chat, then a scripted citizen's
    answers to each question the bot asks."""
    from aduan.channels.telegram.models import InboundTelegram
    from aduan.intake.models import Conversation
    from aduan.lib import crypto
    from tests.channels.telegram.chat import Citizen

    citizen = Citizen(client, user_id=TELEGRAM_BASE + n, secret=TELEGRAM_SECRET)
    sender_hash = crypto.lookup_hash("telegram", str(citizen.user_id))
    citizen.text(text)
    first = InboundTelegram.objects.get(update_id=citizen.sent[-1])
    asked: list[str] = []
    while len(citizen.sent) < TURNS_MAX:
        conversation = Conversation.objects.filter(
            channel="telegram", sender_hash=sender_hash, state=Conversation.State.OPEN
        ).first()
        if conversation is None:
            break  # filed, or no report was being written
        asked.append(conversation.step)
        if asked[-ASKED_MAX:] == [conversation.step] * ASKED_MAX:
            break
        _answer(citizen, conversation.step, text=text, place=place)
    filed = (
        InboundTelegram.objects.filter(sender_hash=sender_hash, report__isnull=False)
        .values_list("report_id", flat=True)
        .first()
    )
    still_open = Conversation.objects.filter(
        sender_hash=sender_hash, state=Conversation.State.OPEN
    ).exists()
    return Filed(
        first=first.outcome,
        report=filed,
        turns=len(citizen.sent),
        walked_away=still_open,
        asked_place=Conversation.Step.PLACE in asked,
    )


def _answer(citizen: "Citizen", step: str, *, text: str, place: Village) -> None:
    """The scripted citizen's answer to the question of ``step``: a button the bot
    offered under its last answer, or words."""
    from aduan.intake.conversation import SEND, SKIP
    from aduan.intake.models import Conversation

    buttons = _buttons(citizen)
    if step == Conversation.Step.TYPE:
        citizen.choose(next(choice for choice in buttons if choice.startswith("type:")))
    elif step == Conversation.Step.TEXT:
        citizen.text(text)
    elif step == Conversation.Step.PLACE:
        citizen.text(place.typed)
    else:
        choice = SKIP if step == Conversation.Step.PHOTO else SEND
        if choice not in buttons:
            raise SystemExit(f"the bot did not offer {choice!r} at {step}: {buttons}")
        citizen.choose(choice)


def _buttons(citizen: "Citizen") -> list[str]:
    """The buttons under the bot's answer to the citizen's last message."""
    from aduan.channels.telegram.models import InboundTelegram

    record = InboundTelegram.objects.select_related("answer").get(update_id=citizen.sent[-1])
    if record.answer is None:
        raise SystemExit(f"the bot did not answer update {citizen.sent[-1]} ({record.outcome})")
    return [choice for choice, _label in record.answer.choices]


def sweep() -> int:
    """The worker's conversations sweep, an idle day later: the conversations the
    citizens walked away from are filed with what they have, or dropped."""
    from django.conf import settings
    from django.utils import timezone

    from aduan.intake.conversation import conversations_sweep

    later = timezone.now() + timedelta(minutes=settings.CONVERSATION_CLOSE_AFTER_MINUTES + 1)
    closed = 0
    while done := conversations_sweep(now=later):
        closed += done
    return closed


def after_sweep(n: int, filed: Filed) -> Filed:
    """A walked-away conversation's report, if the sweep filed one."""
    from aduan.intake.models import Conversation
    from aduan.lib import crypto

    if not filed.walked_away:
        return filed
    sender_hash = crypto.lookup_hash("telegram", str(TELEGRAM_BASE + n))
    report = (
        Conversation.objects.filter(sender_hash=sender_hash, report__isnull=False)
        .values_list("report_id", flat=True)
        .first()
    )
    return Filed(filed.first, report, filed.turns, walked_away=True, asked_place=filed.asked_place)


# -- the figures -----------------------------------------------------------------------


def share(part: int, whole: int) -> str:
    return f"{part:,} ({100 * part / whole:.1f}%)" if whole else "0"


def report_table(
    sample: list[str],
    shots: list[Filed],
    chats: list[Filed],
    places: list[Village],
    *,
    seconds: tuple[float, float],
) -> None:
    from django.conf import settings

    from aduan.intake.conversation import TEXT_WORDS_MIN
    from aduan.regions.models import Region
    from aduan.reports.models import Report
    from aduan.triage.places import report_place_read

    ids = [f.report for f in (*shots, *chats) if f.report is not None]
    reports = {r.pk: r for r in Report.objects.filter(pk__in=ids)}
    shot_reports = [reports[f.report] for f in shots if f.report is not None]
    chat_reports = [reports[f.report] for f in chats if f.report is not None]

    def no_region(rows: list["Report"]) -> int:
        return sum(r.region_id is None for r in rows)

    def no_place(rows: list["Report"]) -> int:
        return sum(r.region_id is None and not r.address.strip() for r in rows)

    def short(rows: list["Report"]) -> int:
        return sum(len(r.body.split()) < TEXT_WORDS_MIN for r in rows)

    read = [report_place_read(r) for r in shot_reports if r.region_id is None]
    # A province is no place to send anyone (conversation.place_of): not enough.
    unread = sum(reading is None or reading.level == Region.Level.PROVINCE for reading in read)
    at_once = sum(f.first == "report" for f in chats)
    turns: list[float] = [f.turns for f in chats if f.report is not None]
    asked: list[float] = [f.turns for f in chats if f.report is not None and f.first != "report"]
    total = len(sample)
    rows = [
        ("texts sent", f"{total:,}", f"{total:,}"),
        ("reports filed", share(len(shot_reports), total), share(len(chat_reports), total)),
        (
            "filed without a region",
            share(no_region(shot_reports), len(shot_reports)),
            share(no_region(chat_reports), len(chat_reports)),
        ),
        (
            "filed without any place (no region, no address)",
            share(no_place(shot_reports), len(shot_reports)),
            share(no_place(chat_reports), len(chat_reports)),
        ),
        (
            "… nor a place finer than a province the verification page reads from the text",
            share(unread, len(shot_reports)),
            "—",
        ),
        (
            f"filed with fewer than {TEXT_WORDS_MIN} words",
            share(short(shot_reports), len(shot_reports)),
            share(short(chat_reports), len(chat_reports)),
        ),
        ("first message already complete (a report at once)", "—", share(at_once, total)),
        (
            "turns, p50 / p90 (all reports filed)",
            "1 / 1",
            f"{statistics.median(turns):.0f} / {percentile(turns, 0.9):.0f}" if turns else "—",
        ),
        (
            "turns, p50 / p90 (those asked questions)",
            "—",
            f"{statistics.median(asked):.0f} / {percentile(asked, 0.9):.0f}" if asked else "—",
        ),
        (
            "wall time (ms per text)",
            f"{seconds[0]:.1f} s ({1000 * seconds[0] / total:.1f})",
            f"{seconds[1]:.1f} s ({1000 * seconds[1] / total:.1f})",
        ),
    ]
    print("\n| | one-shot (SMS) | guided (Telegram) |")
    print("|---|---:|---:|")
    for label, left, right in rows:
        print(f"| {label} | {left} | {right} |")

    print("\nthe first message's outcome:")
    print(f"  one-shot: {dict(Counter(f.first for f in shots))}")
    print(f"  guided:   {dict(Counter(f.first for f in chats))}")
    print(f"  guided, turns of the reports filed: {dict(sorted(Counter(turns).items()))}")
    walked = [f for f in chats if f.walked_away]
    print(
        f"  guided, walked away: {len(walked)} (filed by the sweep "
        f"{sum(f.report is not None for f in walked)}, dropped "
        f"{sum(f.report is None for f in walked)})"
    )

    levels = Counter(reading.level for reading in read if reading is not None)
    print(
        "\none-shot reports without a region whose text the verification page reads a place "
        f"finer than a province from: {share(len(read) - unread, len(read))}; "
        f"every reading by level {dict(levels)}"
    )
    # The regions read from the complaint's own words (a report at once, or a
    # conversation that was never asked where): inside Central Java, a proxy for
    # being right (a complaint may name another province; stemming mangles some
    # names, "pemalang" becomes "malang").
    from_text = [
        str(reports[f.report].region_id)
        for f in chats
        if f.report is not None and not f.asked_place and reports[f.report].region_id
    ]
    outside = [code for code in from_text if not code.startswith(f"{CENTRAL_JAVA}.")]
    names = dict(Region.objects.filter(code__in=outside).values_list("code", "name"))
    print(
        f"guided regions read from the complaint's words: {len(from_text):,}, inside "
        f"Central Java {share(len(from_text) - len(outside), len(from_text))}; outside, "
        "most often: "
        + ", ".join(f"{names[c]} ({c}) {k}" for c, k in Counter(outside).most_common(5))
    )
    typed: Counter[str] = Counter()
    for filed, village in zip(chats, places, strict=True):
        if not filed.asked_place or filed.report is None:
            continue
        region = reports[filed.report].region_id
        if region is None:
            typed["kept as written (no region)"] += 1
        elif region == village.code:
            typed["exact"] += 1
        elif village.code.startswith(f"{region}."):
            typed["coarser"] += 1
        else:
            typed["wrong"] += 1
    print(f"typed places (asked where, then filed): {dict(typed)}")
    print(
        f"settings: TEXT_WORDS_MIN {TEXT_WORDS_MIN}, close after "
        f"{settings.CONVERSATION_CLOSE_AFTER_MINUTES} min; load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
