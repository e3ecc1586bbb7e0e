"""Benchmark: a burst of WhatsApp webhook deliveries, as Meta posts them.

Target (issue 21): 10,000 webhook posts to ``/channels/whatsapp/webhook``, each one
text message, from 5,000 numbers, as the SMS burst (bench/sms.py): an ingest rate
at least the SMS channel's, every message a report or a handled step.

1. The PostgreSQL database (DATABASE_URL, default ``aduan_bench_whatsapp``) is
   created, migrated and given the reference data; before each burst the WhatsApp,
   conversation, report, reporter and outbox tables are emptied.
2. The app is served in production mode by granian (WSGI, 2 workers, one blocking
   thread each, Redis cache) with an app secret; every post is signed with it
   (``X-Hub-Signature-256``), as Meta signs.
3. --seed numbers each send one complete report first (untimed), for the burst's
   ``CEK``. The burst, from about 5,000 numbers, shuffled: ~40 % complete reports
   (what happened and where: a report at once), ~40 % a short message that starts
   a report written one question at a time, then the same number's answers to it
   (a type, what happened, a place, "lewati", "ya") spread over the rest of the
   burst — so a number's messages arrive in order, as a chat's do — ~15 % ``CEK
   <number>`` from the seeded numbers, ~5 % ``BANTUAN``.
4. Checks: one ``InboundWhatsApp`` per post with the outcome its text asks for
   (report, step, status, help), one report per complete message and per finished
   conversation, every post answered 200, and one queued answer per message.
5. The same client (bench/sms.py's) and the same CPU accounting per party.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_bench_whatsapp \\
        .venv/bin/python bench/whatsapp.py [--connections 16] [--messages 10000]
"""

import argparse
import hashlib
import hmac
import itertools
import json
import os
import random
import secrets
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aduan_bench_whatsapp")
from harness import VAR, bench_database, granian, manage, served  # noqa: E402
from sms import BURST_CORES, CpuMeter, burst, cores, django_setup, per, sms_text  # noqa: E402

NUMBERS = 5_000
SECRET = secrets.token_urlsafe(24)
PHONE_NUMBER_ID = "106540352242922"
PLACES = (
    "di Kelurahan Pekiringan Kota Cirebon",
    "di Kelurahan Kesambi Kota Cirebon",
    "di Desa Sukapura Kecamatan Kejaksan Kota Cirebon",
    "di Kelurahan Sukaraja Kota Bandung",
    "di Kelurahan Cideng Jakarta Pusat",
)
# What a conversation's answers are, in order, after its first short message.
STEPS = ("1", "{story}", "Kelurahan Pekiringan Kota Cirebon", "lewati", "ya")


@dataclass(frozen=True, slots=True)
class Post:
    kind: str  # what it asks for: report, step, status, help
    number: str  # digits, as WhatsApp gives them
    text: str
    message_id: str
    in_chat: bool = False  # one of a conversation's messages


def body_of(post: Post) -> bytes:
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "6281100001708",
                                "phone_number_id": PHONE_NUMBER_ID,
                            },
                            "contacts": [{"profile": {"name": "Warga"}, "wa_id": post.number}],
                            "messages": [
                                {
                                    "from": post.number,
                                    "id": post.message_id,
                                    "timestamp": "1764489840",
                                    "type": "text",
                                    "text": {"body": post.text},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(payload).encode()


def request_of(port: int, post: Post) -> bytes:
    body = body_of(post)
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    head = (
        f"POST /channels/whatsapp/webhook HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "User-Agent: facebookexternalua\r\nContent-Type: application/json\r\n"
        f"X-Hub-Signature-256: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def plan(count: int, owners: dict[str, str], rng: random.Random) -> list[Post]:
    """The burst, in sending order (see the module's docstring)."""
    ids = (f"wamid.bench{n}" for n in itertools.count())
    # Numbers that write one message each, and numbers that hold a conversation
    # (never reused: their next message would be an answer to it).
    fresh = itertools.cycle(f"62813{n:07d}" for n in range(len(owners), NUMBERS // 2))
    talking = (f"62813{n:07d}" for n in range(NUMBERS - 1, NUMBERS // 2 - 1, -1))
    asking = itertools.cycle(owners.items())
    singles: list[Post] = []
    chats: list[list[Post]] = []
    budget = count
    while budget > 0:
        roll = rng.random()
        if roll < 0.40 or budget < len(STEPS) + 1:
            text = f"{sms_text(rng)} {rng.choice(PLACES)}"
            singles.append(Post("report", next(fresh), text, next(ids)))
            budget -= 1
        elif roll < 0.55:
            number, tracking = next(asking)
            singles.append(Post("status", number, f"CEK {tracking}", next(ids)))
            budget -= 1
        elif roll < 0.60:
            singles.append(Post("help", next(fresh), "BANTUAN", next(ids)))
            budget -= 1
        else:
            number = next(talking, "")
            if not number:
                continue
            story = sms_text(rng)
            opening = rng.choice(("Jalan rusak", "LAPOR", "Tolong"))
            chat = [Post("step", number, opening, next(ids), in_chat=True)]
            for n, step in enumerate(STEPS):
                kind = "report" if n == len(STEPS) - 1 else "step"
                chat.append(Post(kind, number, step.format(story=story), next(ids), True))
            chats.append(chat)
            budget -= len(chat)
    # A chat's messages go out in rounds (every chat's first message, then every
    # chat's second, …, the chats in the same order each round), the single messages
    # spread among them: a number's next answer leaves a whole round — over a
    # thousand requests — after its last, as a person answers after reading the
    # question, and never overtakes it on another connection.
    rng.shuffle(chats)
    rng.shuffle(singles)
    rounds = [[chat[step] for chat in chats] for step in range(len(STEPS) + 1)]
    share = -(-len(singles) // len(rounds))
    posts: list[Post] = []
    for n, group in enumerate(rounds):
        posts.extend(_interleave(group, singles[n * share : (n + 1) * share], rng))
    return posts


def _interleave(ordered: list[Post], others: list[Post], rng: random.Random) -> list[Post]:
    """``others`` spread at random among ``ordered``, whose order is kept."""
    slots = [True] * len(ordered) + [False] * len(others)
    rng.shuffle(slots)
    first, second = iter(ordered), iter(others)
    return [next(first) if is_ordered else next(second) for is_ordered in slots]


def tables_empty() -> None:
    from django.db import connection

    from aduan.channels.whatsapp.models import InboundWhatsApp
    from aduan.intake.models import Conversation, FileFetch
    from aduan.outbox.models import Message
    from aduan.reporters.models import ChannelIdentity, Reporter
    from aduan.reports.models import Report

    models = (InboundWhatsApp, Conversation, FileFetch, Message, Report, ChannelIdentity, Reporter)
    tables = ", ".join(model._meta.db_table for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        cursor.execute(f"ANALYZE {tables}")


def seeded_numbers() -> dict[str, str]:
    from aduan.channels.whatsapp.models import InboundWhatsApp
    from aduan.lib import crypto

    by_hash = dict(
        InboundWhatsApp.objects.filter(report__isnull=False).values_list(
            "sender_hash", "report__tracking_number"
        )
    )
    owners = {}
    for n in range(NUMBERS):
        number = f"62813{n:07d}"
        digest = crypto.lookup_hash("phone", f"+{number}")
        if digest in by_hash:
            owners[number] = by_hash[digest]
    return owners


@dataclass
class Checked:
    rows: int
    outcomes: Counter[str]
    mismatched: int
    # Messages meant as complete whose place the reader was not sure of: asked where
    # (a handled step, the conversation's start), not a report at once.
    asked: int
    reports_new: int
    answers: int


def check(posts: list[Post], seeded: int) -> Checked:
    from aduan.channels.whatsapp.models import InboundWhatsApp
    from aduan.outbox.models import Message
    from aduan.reports.models import Report

    by_id = {post.message_id: post for post in posts}
    rows = list(
        InboundWhatsApp.objects.filter(message_id__in=list(by_id)).values_list(
            "message_id", "outcome"
        )
    )
    outcomes = Counter(outcome for _id, outcome in rows)
    asked = [
        message_id
        for message_id, outcome in rows
        if (by_id[message_id].kind, outcome) == ("report", "step") and not by_id[message_id].in_chat
    ]
    wrong = [
        (message_id, outcome)
        for message_id, outcome in rows
        if by_id[message_id].kind != outcome and message_id not in asked
    ]
    for message_id, outcome in wrong[:5]:
        post = by_id[message_id]
        print(f"  expected {post.kind}, got {outcome}: {post.text!r}")
    return Checked(
        rows=len(rows),
        outcomes=outcomes,
        mismatched=len(wrong),
        asked=len(asked),
        reports_new=Report.objects.count() - seeded,
        answers=Message.objects.filter(channel="whatsapp").count(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=200)
    parser.add_argument("--connections", type=int, nargs="*", default=[16])
    args = parser.parse_args()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("bench/whatsapp.py runs on PostgreSQL (DATABASE_URL=postgres://…)")
    database = bench_database("whatsapp.sqlite3")
    demo = {**os.environ, "DATABASE_URL": database, "ADUAN_MODE": "demo", "DEBUG": "false"}
    demo |= {"ADUAN_VAR_DIR": str(VAR), "LOG_LEVEL": "warning", "ALLOWED_HOSTS": "127.0.0.1"}
    demo |= {"ADUAN_WHATSAPP_APP_SECRET": SECRET, "ADUAN_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID}
    manage("migrate", "-v0", env=demo)
    manage("load_reference_data", "--no-progress", env=demo)
    django_setup(demo)
    env = {
        **demo,
        "ADUAN_MODE": "production",
        "SECRET_KEY": (VAR / "secret_key").read_text().strip(),
        "ADUAN_DATA_KEY": (VAR / "data_key").read_text().strip(),
        "SECURE_COOKIES": "false",
        "CACHE_URL": "redis://127.0.0.1:6379/15",
    }
    rng = random.Random(1708)
    failed_checks = False
    command = lambda port: granian(port, workers=2, extra=["--blocking-threads", "1"])  # noqa: E731
    with served(env, command=command) as conn:
        port = int(conn.port)
        for connections in args.connections:
            tables_empty()
            print(f"\npre-seeding {args.seed} reports …", flush=True)
            seeds = [
                Post("report", f"62813{n:07d}", f"{sms_text(rng)} {PLACES[0]}", f"wamid.seed{n}")
                for n in range(args.seed)
            ]
            burst(port, [request_of(port, post) for post in seeds], 4, unit="post")
            owners = seeded_numbers()
            posts = plan(args.messages, owners, rng)
            requests = [request_of(port, post) for post in posts]
            meter = CpuMeter()
            started = time.monotonic()
            answers, reopened = burst(port, requests, connections, unit="post")
            seconds = time.monotonic() - started
            cpu = meter.stop()
            rate = len(posts) / seconds
            latencies = sorted((a.answered - a.sent) * 1000 for a in answers)
            not_ok = sum(a.status != 200 for a in answers)
            checked = check(posts, seeded=len(owners))
            expected_reports = sum(post.kind == "report" for post in posts) - checked.asked
            print(
                f"{len(posts):,} posts over {connections} connections in {seconds:.2f} s: "
                f"{rate:,.0f} posts/s, p50 {statistics.median(latencies):.1f} ms, "
                f"p99 {latencies[int(0.99 * (len(latencies) - 1))]:.1f} ms, {not_ok} not 200, "
                f"{reopened} connections reopened"
            )
            print(f"  cores: {cores(cpu, BURST_CORES)}; CPU ms per post: {per(cpu, rate)}")
            print(
                f"  rows {checked.rows:,} (expected {len(posts):,}); outcomes "
                f"{dict(checked.outcomes)}; {checked.mismatched} not what the text asked; "
                f"{checked.asked} complete-looking messages asked where instead; "
                f"{checked.reports_new:,} new reports (expected {expected_reports:,}); "
                f"{checked.answers:,} answers queued"
            )
            if (
                not_ok
                or checked.rows != len(posts)
                or checked.mismatched
                or checked.reports_new != expected_reports
            ):
                failed_checks = True
    if failed_checks:
        raise SystemExit("some checks failed (see above)")


if __name__ == "__main__":
    main()
