"""A citizen's app sending reports at a steady pace (POST /api/v1/reports, each
with its own photo and Idempotency-Key), every answer recorded; and what the
database holds of them afterwards, to compare."""

import http.client
import io
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import psycopg
from PIL import Image

# -- what is sent ------------------------------------------------------------------


def photo(number: int) -> bytes:
    """A small JPEG of its own colour for each report, so that a report found with
    another's file would show."""
    out = io.BytesIO()
    colour = ((number * 37) % 256, (number * 91) % 256, (number * 53 + 128) % 256)
    Image.new("RGB", (24, 16), colour).save(out, format="JPEG", quality=90)
    return out.getvalue()


def photo_stored(data: bytes) -> bytes:
    """The bytes the app keeps of an uploaded photo: it re-encodes every image
    without its metadata (aduan/reports/attachments.py). Imported here, not at the
    top: it needs Django's settings, which pytest-django has set up by then."""
    from aduan.reports.attachments import clean_upload

    return bytes(clean_upload(data).content.read())


def multipart(fields: dict[str, str], files: Iterable[tuple[str, str, bytes]]) -> tuple[str, bytes]:
    """A multipart/form-data body: its content type and bytes."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, filename, data in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


# -- what came back ----------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One POST and what came of it. ``status`` None: no HTTP answer at all
    (``error`` says why); times are ``time.monotonic()``."""

    number: int
    key: str
    photo: bytes
    sent: float
    received: float
    status: int | None
    error: str = ""
    tracking_number: str = ""
    attachment_sizes: tuple[int, ...] = ()

    @property
    def acknowledged(self) -> bool:
        return self.status == 201 and bool(self.tracking_number)

    @property
    def kind(self) -> str:
        """What the answer was, for counting: "201", "500 server_error",
        "no answer: ConnectionRefusedError"."""
        if self.status is None:
            return f"no answer: {self.error}"
        return f"{self.status} {self.error}".strip()


def report_send(base_url: str, token: str, *, number: int, key: str, timeout: float = 10) -> Answer:
    """One report with its photo, sent with ``key`` as its Idempotency-Key."""
    data = photo(number)
    content_type, body = multipart(
        {
            "type": "complaint",
            "title": f"Latihan {number}: lampu jalan padam",
            "body": f"Lampu jalan di gang {number} padam sejak tiga malam; gelap dan rawan.",
        },
        [("files", f"lampu-{number}.jpg", data)],
    )
    headers = {
        "Authorization": f"Bearer {token}",
        "Idempotency-Key": key,
        "Content-Type": content_type,
        "Accept": "application/json",
        "Connection": "close",
    }
    address = urlsplit(base_url)
    sent = time.monotonic()
    conn = http.client.HTTPConnection(address.hostname or "", address.port, timeout=timeout)
    try:
        conn.request("POST", "/api/v1/reports", body=body, headers=headers)
        response = conn.getresponse()
        status, raw = response.status, response.read()
    except (OSError, http.client.HTTPException) as error:
        return Answer(number, key, data, sent, time.monotonic(), None, type(error).__name__)
    finally:
        conn.close()
    received = time.monotonic()
    try:
        answer: Any = json.loads(raw)
    except ValueError:
        return Answer(number, key, data, sent, received, status, "not JSON")
    if status != 201:
        code = answer.get("code", "") if isinstance(answer, dict) else ""
        return Answer(number, key, data, sent, received, status, str(code))
    sizes = tuple(int(item["size"]) for item in answer.get("attachments", []))
    return Answer(number, key, data, sent, received, status, "", answer["tracking_number"], sizes)


@dataclass
class ReportLoad:
    """Reports sent one after another from a thread, at most ``rate`` a second,
    until stopped; every answer kept in ``answers``, in order."""

    base_url: str
    token: str
    rate: float = 10.0
    timeout: float = 10.0
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None

    def __enter__(self) -> "ReportLoad":
        self._thread = threading.Thread(target=self._run, name="report-load", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout + 5)
            if self._thread.is_alive():
                raise RuntimeError("the load thread did not stop")

    def _run(self) -> None:
        number = 0
        while not self._stop.is_set():
            number += 1
            started = time.monotonic()
            answer = report_send(
                self.base_url,
                self.token,
                number=number,
                key=f"drill-{uuid.uuid4()}",
                timeout=self.timeout,
            )
            with self._lock:
                self.answers.append(answer)
            self._stop.wait(max(0.0, 1 / self.rate - (time.monotonic() - started)))

    def snapshot(self) -> list[Answer]:
        with self._lock:
            return list(self.answers)

    def acknowledged_since(self, moment: float) -> list[Answer]:
        """The 201s of requests sent at or after ``moment``."""
        return [a for a in self.snapshot() if a.acknowledged and a.sent >= moment]


def kinds(answers: Iterable[Answer]) -> dict[str, int]:
    return dict(Counter(answer.kind for answer in answers).most_common())


# -- what the database holds ---------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """A report as the database holds it: its events' actions and its files' bytes."""

    tracking_number: str
    events: tuple[str, ...]
    files: tuple[bytes, ...]


STORED_SQL = """
SELECT r.tracking_number,
       ARRAY(SELECT e.action FROM reports_reportevent e WHERE e.report_id = r.id ORDER BY e.id),
       ARRAY(SELECT f.content FROM reports_attachment a
             JOIN core_storedfile f ON f.name = a.file
             WHERE a.report_id = r.id ORDER BY a.id)
FROM reports_report r
"""


def reports_stored(conninfo: str) -> dict[str, Stored]:
    """Every report in the database at ``conninfo``, by tracking number."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        rows = conn.execute(STORED_SQL).fetchall()
    return {
        number: Stored(number, tuple(events), tuple(bytes(content) for content in files))
        for number, events, files in rows
    }


def acknowledged_missing(answers: Iterable[Answer], stored: dict[str, Stored]) -> list[str]:
    """What is wrong with each acknowledged report in ``stored``: absent, without
    its "submit" event, or without its photo as the app keeps it. Empty: all there."""
    problems = []
    for answer in answers:
        if not answer.acknowledged:
            continue
        report = stored.get(answer.tracking_number)
        if report is None:
            problems.append(f"{answer.tracking_number}: missing")
            continue
        if "submit" not in report.events:
            problems.append(f"{answer.tracking_number}: no submit event ({report.events})")
        if report.files != (photo_stored(answer.photo),):
            sizes = [len(content) for content in report.files]
            problems.append(
                f"{answer.tracking_number}: files {sizes} bytes, not its photo "
                f"({answer.attachment_sizes} acknowledged)"
            )
    return problems
