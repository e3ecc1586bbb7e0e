"""Benchmark: a burst of inbound SMS through the Kannel endpoint, and the outbox's
drain through a real Kannel.

Target (issue): 10,000 inbound SMS posted to ``/channels/sms/kannel`` as Kannel's
smsbox would, with PostgreSQL: an ingest rate of at least 500 SMS/s, every one a
report or a handled command, and the time until every acknowledgement has left the
outbox.

1. The PostgreSQL database (DATABASE_URL, default ``aduan_bench_sms``) is created,
   migrated and given the reference data; before each burst the SMS, report,
   reporter and outbox tables are emptied, so every run starts equal.
2. The app is served in production mode by granian (WSGI, 2 workers, one blocking
   thread each, Redis cache), with ADUAN_SMS_SECRET set.
3. --seed phones each send one ``LAPOR …`` (one after another, untimed): the reports
   the burst's ``CEK`` messages ask about. Then the burst: --sms GET requests as
   smsbox sends them (``from``, ``to``, ``text``, ``smsc``, ``ts``, ``id``,
   ``coding``, ``charset``, ``secret``), each with its own ``id`` and ``ts``, over
   --connections keep-alive connections, about 80 % new reports (``LAPOR …`` or free
   text of 40–160 characters), 15 % ``CEK <number>`` from the report's own phone and
   5 % ``INFO``, from about 5,000 distinct numbers.
4. Checks: one InboundSms per SMS, each with the outcome its text asks for (report,
   status, help), one report per report SMS, no answer but 200, and every
   acknowledgement in the outbox as ``sent`` no later than its HTTP answer arrived
   (the acknowledgement leaves in the answer; nothing is left pending).
5. The drain: --drain pending SMS messages are queued (``message_send``), a real
   Kannel (tests/channels/sms/kannel.py: bearerbox, smsbox and fakesmsc as the SMSC)
   is started, and --workers workers (``python -m aduan worker``; 1, then 2) send them
   through Kannel's sendsms until none is pending; every message must be sent once,
   and the simulated SMSC must receive each text exactly once. Before that, 300
   sendsms calls without and with a delivery report asked for time Kannel itself.
6. Per SMS kind, in this process: the statements one SMS runs and its mean time
   (--profile: where a report SMS's CPU time goes).

Exits non-zero when a check fails.

The client is a small asyncio HTTP/1.1 client in this process (it sends exactly
--sms requests, each once, and keeps each answer's time for the checks; wrk runs for
a duration instead). The CPU time of every party — the server's processes,
PostgreSQL's, the client, Kannel's boxes, the workers — is read from /proc.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_bench_sms \\
        .venv/bin/python bench/sms.py [--connections 16 64] [--sms 10000] [--drain 10000] \\
            [--workers 1 2] [--profile]
    .venv/bin/python bench/sms.py --connections --workers 4 8   # the drain alone
"""

import argparse
import asyncio
import contextlib
import cProfile
import dataclasses
import http.client
import itertools
import os
import pstats
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from tqdm import tqdm

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
from harness import MANAGE, ROOT, VAR, bench_database, granian, manage, served  # noqa: E402

from tests.channels.sms.kannel import Kannel, kannel_missing  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aduan_bench_sms")
DATABASE = os.environ["DATABASE_URL"].rpartition("/")[2]
SHORTCODE = "1708"
PHONES = 5_000  # distinct senders of the burst
KINDS = {"report": 0.80, "status": 0.15, "help": 0.05}

# Indonesian-like words for the reports' free text (no keyword among them).
_WORDS = (
    "jalan rusak berlubang depan sekolah dasar sudah dua minggu tidak diperbaiki mohon "
    "segera ditindaklanjuti lampu penerangan mati sejak kemarin malam gelap sekali warga "
    "takut lewat sampah menumpuk di pinggir pasar bau menyengat saluran air tersumbat "
    "banjir setiap hujan deras rumah kami terendam jembatan kayu hampir roboh anak anak "
    "menyeberang setiap pagi pelayanan puskesmas lambat antrean panjang petugas tidak ada "
    "pipa air bersih bocor sejak bulan lalu pohon tumbang menutup jalan desa kabel listrik "
    "menjuntai berbahaya bagi pengendara motor terima kasih atas perhatian bapak ibu"
)
WORDS = _WORDS.split()


def sms_text(rng: random.Random) -> str:
    """Free text of 40–160 characters."""
    size = rng.randint(40, 160)
    words: list[str] = []
    while len(" ".join(words)) < size:
        words.append(rng.choice(WORDS))
    text = " ".join(words)[:size].rstrip()
    return text[0].upper() + text[1:]


# -- the client -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Sms:
    kind: str  # what it asks for: report, status, help
    sender: str
    text: str
    gateway_id: str
    stamp: str


@dataclasses.dataclass(slots=True)
class Answer:
    status: int = 0
    sent: float = 0.0  # time.time() when the request was written
    answered: float = 0.0  # ... and when its answer was read whole
    body: bytes = b""


def kannel_path(sms: Sms, secret: str) -> str:
    """The URL smsbox calls for an inbound SMS (tests/channels/sms/kannel.py's get-url)."""
    params = {
        "from": sms.sender,
        "to": SHORTCODE,
        "text": sms.text,
        "smsc": "fake",
        "ts": sms.stamp,
        "id": sms.gateway_id,
        "coding": "0",
        "charset": "UTF-8",
        "secret": secret,
    }
    return f"/channels/sms/kannel?{urlencode(params)}"


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the server keeps the connection, of one answer."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:] if line)
    }
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
        body = b"".join(chunks)
    else:
        body = await reader.read()
        return status, body, False
    return status, body, headers.get("connection", "").lower() != "close"


def get_request(port: int, path: str) -> bytes:
    """A GET as smsbox sends it."""
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: Kannel/1.4.5\r\n\r\n"
    ).encode()


async def _burst(
    port: int,
    requests: list[bytes],
    connections: int,
    progress: tqdm,  # type: ignore[type-arg]
) -> tuple[list[Answer], int]:
    """Sends every request once over ``connections`` keep-alive connections; the
    answers in the requests' order, and how many connections had to be opened again."""
    answers = [Answer() for _ in requests]
    queue = iter(range(len(requests)))
    reopened = 0

    async def connection() -> None:
        nonlocal reopened
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for n in queue:
                answer = answers[n]
                answer.sent = time.time()
                writer.write(requests[n])
                await writer.drain()
                status, body, keep = await _read_answer(reader)
                answer.answered = time.time()
                answer.status, answer.body = status, body
                progress.update()
                if not keep:
                    writer.close()
                    reopened += 1
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(connections)))
    return answers, reopened


def burst(
    port: int, requests: list[bytes], connections: int, *, unit: str = "sms"
) -> tuple[list[Answer], int]:
    with tqdm(total=len(requests), desc=f"burst, {connections} connections", unit=unit) as bar:
        return asyncio.run(_burst(port, requests, connections, bar))


# -- CPU time per party, from /proc -----------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")
_KANNEL = ("bearerbox", "smsbox", "fakesmsc")


def _cpu_of(pid: int) -> tuple[int, str, float] | None:
    """Parent pid, name and CPU seconds of a process (None if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1]), name, (int(fields[11]) + int(fields[12])) / _TICK


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def cpu_snapshot() -> dict[str, dict[int, float]]:
    """CPU seconds so far per party: this bench process (the client), the server's
    processes (granian), the workers, Kannel's boxes (all descendants of this one),
    PostgreSQL's backends connected to the bench database (not its shared background
    processes: other work may use the same server), and the whole machine's busy time
    (as pid 0)."""
    table: dict[int, tuple[int, str, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := _cpu_of(int(entry.name))) is not None:
            table[int(entry.name)] = found
    parties: dict[str, dict[int, float]] = {
        party: {} for party in ("client", "server", "workers", "kannel", "postgres")
    }
    for pid, (_parent, name, cpu) in table.items():
        if name.startswith("postgres") and f" {DATABASE} " in _command(pid):
            parties["postgres"][pid] = cpu
    me = os.getpid()
    parties["client"][me] = table[me][2]
    for pid, (parent, name, cpu) in table.items():
        ancestor, chain = parent, [parent]
        while ancestor not in (me, 0, 1) and ancestor in table:
            ancestor = table[ancestor][0]
            chain.append(ancestor)
        if ancestor != me or pid == me:
            continue
        command = _command(pid)
        if any(box in name for box in _KANNEL) or "setpriv" in name:
            parties["kannel"][pid] = cpu
        elif "aduan worker" in command:
            parties["workers"][pid] = cpu
        else:
            parties["server"][pid] = cpu
    busy = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    parties["machine"] = {0: (sum(busy) - busy[3] - busy[4]) / _TICK}
    return parties


class CpuMeter:
    """Cores used per party while it runs. /proc is read every half second, so a
    process that ends meanwhile (a database connection the app replaces after
    CONN_MAX_AGE) is counted up to its last reading; one that starts is counted
    whole."""

    def __init__(self, every: float = 0.5) -> None:
        self._every = every
        self._first = cpu_snapshot()
        self._last: dict[str, dict[int, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="cpu-meter", daemon=True)
        self._started = time.monotonic()
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(self._every):
            self._take()

    def _take(self) -> None:
        for party, by_pid in cpu_snapshot().items():
            self._last.setdefault(party, {}).update(by_pid)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self._take()
        seconds = time.monotonic() - self._started
        return {
            party: sum(cpu - self._first[party].get(pid, 0.0) for pid, cpu in by_pid.items())
            / seconds
            for party, by_pid in self._last.items()
        }


def per(
    cpu: Mapping[str, float],
    rate: float,
    parties: tuple[str, ...] = ("server", "postgres", "client"),
) -> str:
    """CPU milliseconds each party spent per SMS: what one costs, which holds better
    than the rate when other work shares the cores."""
    return ", ".join(f"{party} {cpu[party] * 1000 / rate:.2f}" for party in parties)


def cores(cpu: Mapping[str, float], parties: tuple[str, ...]) -> str:
    return ", ".join(f"{party} {cpu[party]:.2f}" for party in parties)


# -- the database, from this process ------------------------------------------------------


def django_setup(env: Mapping[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "aduan.settings"
    import django

    django.setup()


def tables_empty() -> None:
    """Empties what the runs write: SMS, reports (and what hangs on them), reporters
    and their identities, the outbox."""
    from django.db import connection

    from aduan.channels.sms.models import InboundSms
    from aduan.outbox.models import Message
    from aduan.reporters.models import ChannelIdentity, Reporter
    from aduan.reports.models import Report

    tables = ", ".join(
        model._meta.db_table for model in (InboundSms, Message, Report, ChannelIdentity, Reporter)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        cursor.execute(f"ANALYZE {tables}")


def tracking_numbers() -> dict[str, str]:
    """Each pre-seeded report's number, by its sender."""
    from aduan.channels.sms.models import InboundSms
    from aduan.lib import crypto
    from aduan.reporters.models import ChannelIdentity

    by_hash = dict(
        InboundSms.objects.filter(report__isnull=False).values_list(
            "sender_hash", "report__tracking_number"
        )
    )
    return {
        phone: by_hash[crypto.lookup_hash(ChannelIdentity.Kind.PHONE, phone)]
        for phone in (f"+62812{n:07d}" for n in range(PHONES))
        if crypto.lookup_hash(ChannelIdentity.Kind.PHONE, phone) in by_hash
    }


def plan(count: int, owners: dict[str, str], rng: random.Random, start: datetime) -> list[Sms]:
    """The burst: ~80 % reports, ~15 % CEK from the reports' own phones, ~5 % INFO,
    shuffled; report and INFO senders cycle through the numbers that own no report."""
    kinds = [kind for kind, share in KINDS.items() for _ in range(round(count * share))]
    kinds = (kinds + ["report"] * count)[:count]
    rng.shuffle(kinds)
    others = itertools.cycle(
        phone for phone in (f"+62812{n:07d}" for n in range(PHONES)) if phone not in owners
    )
    asking = itertools.cycle(owners.items())
    burst: list[Sms] = []
    for n, kind in enumerate(kinds):
        stamp = (start + timedelta(seconds=n)).strftime("%Y-%m-%d %H:%M:%S")
        gateway_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if kind == "status":
            phone, number = next(asking)
            text = f"CEK {number}"
        elif kind == "help":
            phone, text = next(others), rng.choice(("INFO", "info", "BANTUAN"))
        else:
            phone = next(others)
            text = sms_text(rng)
            text = f"LAPOR {text}" if rng.random() < 0.5 else text
        burst.append(Sms(kind, phone, text, gateway_id, stamp))
    return burst


@dataclasses.dataclass
class Checked:
    inbound: int
    outcomes: Counter[str]
    mismatched: int  # SMS whose outcome is not what its text asks for
    reports_new: int
    acks: int
    acks_pending: int
    acks_late: int  # acknowledgements whose row says sent after their answer arrived
    lag_max_ms: float  # longest from the row's sent_at to the answer's arrival


def check(burst_sms: list[Sms], answers: list[Answer], seeded: int) -> Checked:
    from aduan.channels.sms.models import InboundSms
    from aduan.outbox.models import Message
    from aduan.reports.models import Report

    expected = {
        sms.gateway_id: (sms, answer) for sms, answer in zip(burst_sms, answers, strict=True)
    }
    rows = list(
        InboundSms.objects.filter(gateway_id__in=list(expected)).values_list(
            "gateway_id", "outcome", "sender_hash", "received_at"
        )
    )
    outcomes = Counter(outcome for _id, outcome, _h, _t in rows)
    mismatched = sum(expected[gateway_id][0].kind != outcome for gateway_id, outcome, *_ in rows)
    acks = {
        (recipient_hash, sent_at): status
        for recipient_hash, sent_at, status in Message.objects.filter(
            purpose__startswith="sms_"
        ).values_list("recipient_hash", "sent_at", "status")
    }
    late = missing = 0
    lag = 0.0
    for gateway_id, _outcome, sender_hash, received_at in rows:
        answer = expected[gateway_id][1]
        status = acks.get((sender_hash, received_at))
        if status != Message.Status.SENT:
            missing += 1
            continue
        lag = max(lag, answer.answered - received_at.timestamp())
        late += received_at.timestamp() > answer.answered
    return Checked(
        inbound=InboundSms.objects.count(),
        outcomes=outcomes,
        mismatched=mismatched,
        reports_new=Report.objects.count() - seeded,
        acks=len(acks),
        acks_pending=Message.objects.filter(
            purpose__startswith="sms_", status=Message.Status.PENDING
        ).count()
        + missing,
        acks_late=late,
        lag_max_ms=lag * 1000,
    )


def per_sms(secret: str, rng: random.Random, repeat: int, profile: bool) -> None:
    """Queries and in-process time of one SMS of each kind (Django's test client, no
    HTTP), and with ``profile`` where a report SMS's time goes."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from aduan.reports.models import Report

    client = Client(HTTP_HOST="127.0.0.1")
    start = datetime.now(UTC).replace(microsecond=0)

    def make(kind: str, n: int, number: str = "") -> str:
        phone = f"+62813{n:07d}"
        text = {"report": f"LAPOR {sms_text(rng)}", "status": f"CEK {number}", "help": "INFO"}
        stamp = (start + timedelta(seconds=n)).strftime("%Y-%m-%d %H:%M:%S")
        return kannel_path(Sms(kind, phone, text[kind], str(uuid.uuid4()), stamp), secret)

    def send(path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        return response.content.decode()

    print(f"\nper SMS, in process (test client, no HTTP; mean of {repeat}):")
    print(f"{'kind':<8} {'queries':>7} {'ms':>6}  answer")
    for kind in ("report", "status", "help"):
        base = {"report": 0, "status": 100_000, "help": 200_000}[kind]
        numbers = ["" for _ in range(repeat + 2)]
        if kind == "status":  # each asks about its own report, from its own phone
            for n in range(repeat + 2):
                send(make("report", base + n))
            numbers = list(
                Report.objects.order_by("-pk").values_list("tracking_number", flat=True)[
                    : repeat + 2
                ]
            )[::-1]
        send(make(kind, base, numbers[0]))  # warm-up
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            answer = send(make(kind, base + 1, numbers[1]))
        queries = [query["sql"] for query in captured.captured_queries]
        paths = [make(kind, base + n, numbers[n]) for n in range(2, repeat + 2)]
        started = time.perf_counter()
        for path in paths:
            send(path)
        elapsed = (time.perf_counter() - started) * 1000 / repeat
        print(f"{kind:<8} {len(queries):7d} {elapsed:6.2f}  {answer[:60]}")
        if kind == "report":
            for sql in queries:
                print(f"    {sql[:110]}")
    if profile:
        paths = [make("report", 300_000 + n) for n in range(repeat)]
        profiler = cProfile.Profile(time.process_time)  # CPU time, not waiting
        profiler.enable()
        for path in paths:
            send(path)
        profiler.disable()
        print(f"\nwhere {repeat} report SMS spend their CPU time (cProfile, by own time):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


# -- the drain --------------------------------------------------------------------------


def queue_messages(count: int, run: int) -> set[tuple[str, str]]:
    """``count`` pending follow-up SMS, each text its own; (recipient, text) of each."""
    from django.db import transaction

    from aduan.outbox.services import message_send

    queued: set[tuple[str, str]] = set()
    with tqdm(total=count, desc="queueing pending messages", unit="msg") as bar:
        for first in range(0, count, 500):
            with transaction.atomic():
                for n in range(first, min(count, first + 500)):
                    phone = f"+62812{n % PHONES:07d}"
                    body = (
                        f"Tindak lanjut {run}-{n:05d}: petugas sudah memeriksa lokasi laporan "
                        "Anda dan akan memperbaikinya dalam tujuh hari kerja. Terima kasih."
                    )
                    message_send(channel="sms", recipient=phone, body=body, purpose="follow_up")
                    queued.add((phone, body))
            bar.update(min(count, first + 500) - first)
    return queued


def pending() -> int:
    from aduan.outbox.models import Message

    return Message.objects.filter(status=Message.Status.PENDING).count()


@dataclasses.dataclass
class Drained:
    workers: int
    messages: int
    seconds: float  # from starting the workers until none is pending
    steady: float  # messages/s between the first and the last one sent
    sent: int
    failed: int
    retried: int
    received: int  # by the simulated SMSC
    once: bool  # each queued text received exactly once
    cpu: dict[str, float]


def drain(count: int, workers: int, env: Mapping[str, str], kannel: Kannel, run: int) -> Drained:
    from django.db.models import Max, Min

    from aduan.outbox.models import Message

    first_id = Message.objects.aggregate(Max("pk"))["pk__max"] or 0
    queued = queue_messages(count, run)
    started = time.monotonic()
    meter = CpuMeter()
    processes = [
        subprocess.Popen([*MANAGE, "worker"], env=dict(env), cwd=ROOT) for _ in range(workers)
    ]
    try:
        with tqdm(total=count, desc=f"drain, {workers} worker(s)", unit="msg") as bar:
            left = count
            while left:
                if time.monotonic() - started > 900:
                    raise SystemExit(f"the drain did not finish in 900 s ({left} pending)")
                if any(process.poll() is not None for process in processes):
                    raise SystemExit("a worker exited")
                time.sleep(0.2)
                now_left = pending()
                bar.update(left - now_left)
                left = now_left
        seconds = time.monotonic() - started
        cpu = meter.stop()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    ours = Message.objects.filter(purpose="follow_up", pk__gt=first_id)
    span = ours.filter(status=Message.Status.SENT).aggregate(
        first=Min("sent_at"), last=Max("sent_at")
    )
    steady = (count - 1) / max((span["last"] - span["first"]).total_seconds(), 1e-9)
    got = kannel.sms_out(count=count, timeout=300)
    extra = 0
    with contextlib.suppress(AssertionError):
        extra = len(kannel.sms_out(count=1, timeout=3))
    texts = Counter((sms.receiver, sms.text) for sms in got)
    once = extra == 0 and set(texts) == queued and max(texts.values()) == 1
    return Drained(
        workers=workers,
        messages=count,
        seconds=seconds,
        steady=steady,
        sent=ours.filter(status=Message.Status.SENT).count(),
        failed=ours.filter(status=Message.Status.FAILED).count(),
        retried=ours.filter(attempts__gt=1).count(),
        received=len(got) + extra,
        once=once,
        cpu=cpu,
    )


# -- the run ----------------------------------------------------------------------------


@dataclasses.dataclass
class BurstResult:
    connections: int
    seconds: float
    rate: float
    p50: float
    p99: float
    failed: int
    reopened: int
    cpu: dict[str, float]
    checked: Checked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sms", type=int, default=10_000, help="SMS in each burst.")
    parser.add_argument("--seed", type=int, default=200, help="Reports made before a burst.")
    parser.add_argument("--connections", type=int, nargs="*", default=[16, 64])
    parser.add_argument("--drain", type=int, default=10_000, help="Messages per drain (0: none).")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=200, help="SMS per kind, in process.")
    parser.add_argument("--profile", action="store_true", help="Profile report SMS in process.")
    args = parser.parse_args()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("bench/sms.py runs on PostgreSQL (DATABASE_URL=postgres://…)")

    database = bench_database("sms.sqlite3")
    secret = secrets.token_urlsafe(16)
    demo = {**os.environ, "DATABASE_URL": database, "ADUAN_MODE": "demo", "DEBUG": "false"}
    demo |= {"ADUAN_VAR_DIR": str(VAR), "LOG_LEVEL": "warning", "ADUAN_SMS_SECRET": secret}
    demo |= {"ALLOWED_HOSTS": "127.0.0.1"}
    manage("migrate", "-v0", env=demo)
    manage("load_reference_data", "--no-progress", env=demo)
    django_setup(demo)
    # The same database and keys (kept in var/bench by demo mode), served as production.
    env = {
        **demo,
        "ADUAN_MODE": "production",
        "SECRET_KEY": (VAR / "secret_key").read_text().strip(),
        "ADUAN_DATA_KEY": (VAR / "data_key").read_text().strip(),
        "SECURE_COOKIES": "false",
        "CACHE_URL": "redis://127.0.0.1:6379/15",
    }
    rng = random.Random(1708)
    results: list[BurstResult] = []
    drains: list[Drained] = []
    command = lambda port: granian(port, workers=2, extra=["--blocking-threads", "1"])  # noqa: E731
    with served(env, command=command) as conn:
        port = int(conn.port)
        for connections in args.connections:
            tables_empty()
            print(f"\npre-seeding {args.seed} reports …", flush=True)
            plan_start = datetime(2026, 11, 29, 22, 0, 0, tzinfo=UTC) + timedelta(
                hours=len(results)
            )
            seeds = [
                Sms(
                    "report",
                    f"+62812{n:07d}",
                    f"LAPOR {sms_text(rng)}",
                    str(uuid.uuid4()),
                    (plan_start - timedelta(seconds=n + 1)).strftime("%Y-%m-%d %H:%M:%S"),
                )
                for n in range(args.seed)
            ]
            seeder = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for sms in seeds:
                seeder.request("GET", kannel_path(sms, secret))
                response = seeder.getresponse()
                if response.status != 200:
                    raise SystemExit(f"pre-seeding: {response.status} {response.read()!r}")
                response.read()
            seeder.close()
            owners = tracking_numbers()
            plan_start = datetime(2026, 11, 29, 22, 0, 0, tzinfo=UTC) + timedelta(
                hours=len(results)
            )
            sms_list = plan(args.sms, owners, rng, plan_start)
            requests = [get_request(port, kannel_path(sms, secret)) for sms in sms_list]
            meter = CpuMeter()
            started = time.monotonic()
            answers, reopened = burst(port, requests, connections)
            seconds = time.monotonic() - started
            cpu = meter.stop()
            latencies = [(answer.answered - answer.sent) * 1000 for answer in answers]
            failed = sum(answer.status != 200 for answer in answers)
            checked = check(sms_list, answers, seeded=args.seed)
            results.append(
                BurstResult(
                    connections=connections,
                    seconds=seconds,
                    rate=args.sms / seconds,
                    p50=statistics.median(latencies),
                    p99=sorted(latencies)[int(0.99 * (len(latencies) - 1))],
                    failed=failed,
                    reopened=reopened,
                    cpu=cpu,
                    checked=checked,
                )
            )
            burst_report(results[-1], args.sms, args.seed)
            if failed:
                statuses = Counter(answer.status for answer in answers)
                print(f"answers by status: {dict(statuses)}", file=sys.stderr)

        if args.drain:
            drains = drain_runs(args, env, port, secret)
        per_sms(secret, rng, args.repeat, args.profile)
    if not summary(results, drains, args.sms):
        raise SystemExit("some checks failed (see above)")


def drain_runs(
    args: argparse.Namespace, env: Mapping[str, str], port: int, secret: str
) -> list[Drained]:
    if missing := kannel_missing():
        print(f"skipping the drain: Kannel is not installed ({', '.join(map(str, missing))})")
        return []
    workdir = VAR / "sms-kannel"
    shutil.rmtree(workdir, ignore_errors=True)
    kannel = QuietKannel(service_base=f"http://127.0.0.1:{port}", secret=secret, workdir=workdir)
    drains: list[Drained] = []
    kannel.start()
    try:
        worker_env = {
            **env,
            "ADUAN_MODE": "demo",  # the worker reads the keys from var/bench
            "ADUAN_SITE_URL": f"http://127.0.0.1:{port}",  # delivery reports come here
            "ADUAN_KANNEL_SENDSMS_URL": kannel.sendsms_url,
            "ADUAN_KANNEL_USERNAME": kannel.username,
            "ADUAN_KANNEL_PASSWORD": kannel.password,
        }
        sendsms_probe(kannel, port, secret)
        for run, workers in enumerate(args.workers):
            if left := pending():
                raise SystemExit(f"{left} messages are pending before the drain")
            drains.append(drain(args.drain, workers, worker_env, kannel, run))
            drain_report(drains[-1])
            time.sleep(2)  # the last delivery reports
        delivery_report()
    finally:
        kannel.close()
    return drains


def sendsms_probe(kannel: Kannel, port: int, secret: str, count: int = 300) -> None:
    """How long Kannel's sendsms takes to answer one request at a time, without and
    with a delivery report asked for (as the outbox's transport asks): what bounds
    one worker that sends one message after another."""
    print(f"\nKannel's sendsms, {count} requests one after another (ms):")
    for dlr in (False, True):
        timings = []
        for n in range(count):
            params = {
                "username": kannel.username,
                "password": kannel.password,
                "from": SHORTCODE,
                "to": f"+62815{n:07d}",
                "text": f"Uji {n}: pesan percobaan dari bench",
                "charset": "UTF-8",
                "coding": "0",
            }
            if dlr:  # to the app's endpoint: a message id it does not know
                dlr_url = f"http://127.0.0.1:{port}/channels/sms/kannel/dlr?message=0&status=%d"
                params |= {"dlr-mask": "31", "dlr-url": f"{dlr_url}&secret={secret}"}
            started = time.perf_counter()
            with urllib.request.urlopen(f"{kannel.sendsms_url}?{urlencode(params)}") as answer:
                answer.read()
            timings.append((time.perf_counter() - started) * 1000)
        kannel.sms_out(count=count, timeout=60)
        timings.sort()
        print(
            f"  {'with' if dlr else 'without'} a delivery report: mean "
            f"{statistics.mean(timings):.1f}, p50 {timings[count // 2]:.1f}, p90 "
            f"{timings[int(count * 0.9)]:.1f}, max {timings[-1]:.1f}; "
            f"{sum(t > 20 for t in timings)} of {count} over 20 ms"
        )


class QuietKannel(Kannel):
    """Kannel with its logs at "info", not "debug": a gateway in service does not
    write a debug line for every step of every message."""

    def config(self) -> str:
        return super().config().replace("log-level = 0", "log-level = 1")


# -- reports ----------------------------------------------------------------------------

BURST_CORES = ("server", "postgres", "client", "machine")
DRAIN_CORES = ("workers", "kannel", "server", "postgres", "client", "machine")


def burst_report(result: BurstResult, count: int, seeded: int) -> None:
    c = result.checked
    print(
        f"{count:,} SMS over {result.connections} connections in {result.seconds:.2f} s: "
        f"{result.rate:,.0f} SMS/s, p50 {result.p50:.1f} ms, p99 {result.p99:.1f} ms, "
        f"{result.failed} not 200, {result.reopened} connections reopened"
    )
    print(
        f"  cores: {cores(result.cpu, BURST_CORES)}; CPU ms per SMS: {per(result.cpu, result.rate)}"
    )
    print(
        f"  inbound rows {c.inbound:,} (expected {count + seeded:,}); outcomes "
        f"{dict(c.outcomes)}; {c.mismatched} not what the text asked; "
        f"{c.reports_new:,} new reports"
    )
    print(
        f"  acknowledgements: {c.acks:,} rows, {c.acks_pending} pending or missing, "
        f"{c.acks_late} recorded sent after their answer arrived; the last left with the "
        f"last answer, {result.seconds:.2f} s after the burst began (row → answer at most "
        f"{c.lag_max_ms:.0f} ms)"
    )


def drain_report(d: Drained) -> None:
    print(
        f"{d.messages:,} messages, {d.workers} worker(s): none pending after {d.seconds:.1f} s "
        f"({d.messages / d.seconds:,.0f}/s; {d.steady:,.0f}/s from first to last sent); "
        f"sent {d.sent:,}, failed {d.failed}, retried {d.retried}; the SMSC received "
        f"{d.received:,}, each exactly once: {d.once}"
    )
    print(
        f"  cores: {cores(d.cpu, DRAIN_CORES)}; CPU ms per message: "
        f"{per(d.cpu, d.messages / d.seconds, DRAIN_CORES[:-2])}"
    )


def delivery_report() -> None:
    from django.db.models import Count

    from aduan.outbox.models import Message

    rows = (
        Message.objects.filter(purpose="follow_up")
        .values_list("delivery")
        .annotate(n=Count("pk"))
        .order_by("delivery")
    )
    print(f"delivery reports recorded: {dict(rows)}")


def summary(results: list[BurstResult], drains: list[Drained], count: int) -> bool:
    """Prints the tables; whether every check passed."""
    passed = True
    if results:
        print("\nburst (SMS/s, target ≥ 500):")
        print(
            f"{'conns':>5} {'SMS/s':>7} {'s':>6} {'p50 ms':>7} {'p99 ms':>7} {'not 200':>7} "
            f"{'ok':>4}  CPU ms/SMS: server, postgres, client;  cores: server, postgres, "
            "client, machine"
        )
    for r in results:
        c = r.checked
        ok = (
            not r.failed
            and not c.mismatched
            and not c.acks_pending
            and not c.acks_late
            and sum(c.outcomes.values()) == count
            and c.reports_new == c.outcomes["report"]
        )
        passed &= ok
        print(
            f"{r.connections:5d} {r.rate:7.0f} {r.seconds:6.2f} {r.p50:7.1f} {r.p99:7.1f} "
            f"{r.failed:7d} {'yes' if ok else 'NO':>4}  "
            + ", ".join(f"{r.cpu[p] * 1000 / r.rate:.2f}" for p in BURST_CORES[:-1])
            + ";  "
            + ", ".join(f"{r.cpu[p]:.2f}" for p in BURST_CORES)
        )
    if drains:
        print("\noutbox drain through Kannel:")
        print(
            f"{'workers':>7} {'msgs':>6} {'s':>6} {'msg/s':>6} {'steady':>6} {'once':>5}  "
            "cores: workers, kannel, server, postgres, client, machine"
        )
    for d in drains:
        passed &= d.once and d.sent == d.messages
        print(
            f"{d.workers:7d} {d.messages:6d} {d.seconds:6.1f} {d.messages / d.seconds:6.0f} "
            f"{d.steady:6.0f} {'yes' if d.once and d.sent == d.messages else 'NO':>5}  "
            + ", ".join(f"{d.cpu[p]:.2f}" for p in DRAIN_CORES)
        )
    if results:
        best = max(r.rate for r in results)
        print(f"\ntarget ≥ 500 SMS/s: {'met' if best >= 500 else 'MISSED'} (best {best:,.0f}/s)")
    return passed


if __name__ == "__main__":
    main()
