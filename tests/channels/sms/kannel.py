"""A real Kannel SMS gateway (bearerbox + smsbox, Debian packages ``kannel`` and
``kannel-extras``) on free loopback ports, for tests that send SMS through it.

Usage::

    with Kannel(service_base="http://127.0.0.1:8123", secret="s3", workdir=tmp) as kannel:
        kannel.sms_in("+6281234567", "1708", "LAPOR jalan rusak")  # a phone sends an SMS
        [reply] = kannel.sms_out(count=1)                           # what the phone gets back
        # our outbound transport calls kannel.sendsms_url with kannel.username/password

API:

- ``Kannel(service_base=, secret=, workdir=)``: nothing runs yet; ``start()`` (or ``with``)
  writes ``workdir/kannel.conf`` with free loopback ports and starts the boxes.
- ``sendsms_url``, ``username``, ``password``: Kannel's sendsms interface, for our
  outbound transport. It answers 202 "0: Accepted for delivery".
- ``sms_in(sender, receiver, text)``: an inbound SMS (MO) as a phone sends it. GSM-7
  text longer than one SMS goes in as concatenated parts (UDH), which bearerbox joins
  before smsbox calls us once; other text goes in as one UCS-2 message (the simulator
  cannot send UCS-2 parts). Returns once the simulated SMSC has passed it to Kannel.
- ``sms_out(count=, timeout=)``: the next ``count`` SMS (MT) the simulated SMSC got from
  Kannel, as ``SmsOut``; the parts of a concatenated SMS come as one ``SmsOut`` with
  ``parts`` > 1. Raises ``AssertionError`` if they do not all arrive in time. To check
  that an inbound SMS got no answer, send a second one that does and see that its
  answer is the next ``SmsOut``.
- ``stop()`` stops the boxes (sendsms then refuses connections); ``start()`` brings
  them back on the same ports. ``close()`` (or leaving ``with``) stops for good.

Kannel calls ``{service_base}/channels/sms/kannel`` with ``from``, ``to``, ``text``
(``%b``: the message as sent, newlines kept; ``%a`` would squeeze all whitespace to single
spaces), always UTF-8 (``mo-recode`` turns UCS-2 into UTF-8), ``smsc``, ``ts``, ``id``,
``coding``, ``charset`` and ``secret``. The answer body (``text/plain; charset=utf-8``)
is the reply SMS; an empty body sends nothing. A reply with characters outside GSM-7
needs the header ``X-Kannel-Coding: 2`` (``accept-x-kannel-headers``), else Kannel
sends it as GSM-7 and those characters become ``?``.

How the SMSC is simulated: bearerbox has two ``smsc = fake`` connections with the same
``smsc-id``. One long-running ``fakesmsc`` (the "handset") stays connected to the first
and logs every MT message it receives; we read its log. Each ``sms_in`` runs a
short-lived ``fakesmsc`` against the second, which has ``allowed-smsc-id`` set to a name
no message carries, so no MT message is routed to it (a fake connection serves one
client at a time). Logs and the config are in ``workdir``.

Limits of the simulation: its protocol is one message a line, so a newline in a plain
MT text splits it; the harness joins such lines back. A concatenated MT part does not
say its coding: joined parts are read as UTF-8 unless they hold a NUL byte (UCS-2).
Boxes are started through ``setpriv --pdeathsig TERM`` when available, so they die
with the test process even if it is killed before ``close()``; start Kannel from a
thread that outlives it (the main thread).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import secrets
import select
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from aduan.channels.sms.segments import is_gsm7, sms_split

BEARERBOX = Path("/usr/sbin/bearerbox")
SMSBOX = Path("/usr/sbin/smsbox")
FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")

SMSC_ID = "fake"  # what Kannel passes as smsc=%i
_NOWHERE = "nowhere"  # an smsc-id no message carries
_HOST = "127.0.0.1"
_START_TIMEOUT = 20.0
_STOP_TIMEOUT = 10.0
_POLL = 0.05
_LOG_TAIL = 25

# fakesmsc logs each MT message as "... DEBUG: Got message 3: <LINE>"; LINE is
# "<from> <to> text <raw text>", "... data <urlencoded 8-bit>", "... ucs-2 <urlencoded
# UTF-16BE>" or "... udh <urlencoded UDH> data <urlencoded part>".
_GOT = re.compile(rb"Got message \d+: <(.*)>$")
_MT_LINE = re.compile(rb"^(\S+) (\S+) (text|data|ucs-2|ucs2|udh) (.*)$", re.DOTALL)
_TEXT_QUIET = 0.1  # a raw text line may continue on the next line (a newline in the text)


def kannel_missing() -> list[Path]:
    """The Kannel programs this harness needs that are not installed."""
    return [path for path in (BEARERBOX, SMSBOX, FAKESMSC) if not os.access(path, os.X_OK)]


@dataclass(frozen=True, slots=True)
class SmsOut:
    """An SMS that Kannel sent to the simulated SMSC (MT), decoded."""

    sender: str
    receiver: str
    text: str
    parts: int = 1  # how many SMS it took (concatenated parts)


class KannelError(RuntimeError):
    """Kannel did not start, or the simulator could not deliver an SMS."""


def free_ports(count: int) -> list[int]:
    """``count`` distinct free TCP ports on 127.0.0.1 (the kernel picks them)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((_HOST, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _kannel_escape(value: str) -> str:
    """A value for a Kannel URL template: URL-encoded, with ``%`` doubled so Kannel
    does not read it as one of its escapes."""
    return urllib.parse.quote(value, safe="").replace("%", "%%")


def _unquote(data: bytes) -> bytes:
    return urllib.parse.unquote_to_bytes(data.replace(b"+", b" "))


def _decode(data: bytes) -> str:
    """Text from message bytes whose coding the simulator's line does not say (parts of
    a concatenated SMS): Kannel keeps GSM-7 text as UTF-8, which never holds a NUL
    byte; UCS-2 text is UTF-16BE."""
    if b"\x00" not in data:
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-8")
    return data.decode("utf-16-be", errors="replace")


def _concat_info(udh: bytes) -> tuple[int, int, int] | None:
    """(reference, total, sequence) from a concatenation element of a UDH, if any."""
    if not udh:
        return None
    end = min(len(udh), 1 + udh[0])
    index = 1
    while index + 1 < end:
        element, size = udh[index], udh[index + 1]
        body = udh[index + 2 : index + 2 + size]
        if element == 0x00 and size == 3:
            return body[0], body[1], body[2]
        if element == 0x08 and size == 4:
            return body[0] << 8 | body[1], body[2], body[3]
        index += 2 + size
    return None


def _tail(path: Path, lines: int = _LOG_TAIL) -> str:
    try:
        content = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return f"--- {path.name}: (none)"
    return "\n".join([f"--- {path.name} (last {lines} lines):", *content[-lines:]])


def _spawn(
    args: list[str], *, stdout: IO[bytes] | int, stderr: IO[bytes] | int
) -> subprocess.Popen[bytes]:
    """Start a program that dies with us: ``setpriv --pdeathsig`` sends it SIGTERM if
    the process that started it goes away without stopping it."""
    if setpriv := shutil.which("setpriv"):
        args = [setpriv, "--pdeathsig", "TERM", "--", *args]
    return subprocess.Popen(  # noqa: S603 - fixed programs, arguments are ours
        args, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, close_fds=True
    )


def _end(process: subprocess.Popen[bytes] | None) -> None:
    """Stop a process we started: SIGTERM, then SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


_running: set[Kannel] = set()  # started and not closed, for the exit handler


@atexit.register
def _close_all() -> None:
    for kannel in list(_running):
        kannel.close()


class _Handset:
    """The long-running fakesmsc that receives MT messages, and the thread reading
    its log into ``SmsOut``s."""

    def __init__(self, port: int, log: Path, deliver: _Inbox) -> None:
        self._deliver = deliver
        self._log = log
        self._parts: dict[tuple[bytes, bytes, int, int], dict[int, bytes]] = {}
        self._pending: tuple[bytes, bytes, bytes] | None = None  # a raw text line
        # -m 0: send nothing, only listen; the message argument keeps it out of its
        # interactive (stdin) mode. -D receive: only the "Got message" debug lines.
        self.process = _spawn(
            [str(FAKESMSC), "-H", _HOST, "-r", str(port), "-m", "0", "-v", "0",
             "-D", "receive", "0 0 text unused"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        self._thread = threading.Thread(target=self._read, name="kannel-handset", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        _end(self.process)
        self._thread.join(timeout=_STOP_TIMEOUT)

    def _read(self) -> None:
        assert self.process.stderr is not None
        fd = self.process.stderr.fileno()
        buffer = b""
        with self._log.open("ab") as log:
            while True:
                ready, _, _ = select.select([fd], [], [], _TEXT_QUIET)
                if not ready:
                    self._flush_text()
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                log.write(chunk)
                log.flush()
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    if match := _GOT.search(line):
                        self._line(match.group(1))
        self._flush_text()

    def _line(self, line: bytes) -> None:
        match = _MT_LINE.match(line)
        if match is None:
            # The simulator's protocol is one message a line: a newline in a raw text
            # splits it, and the rest arrives as a line of its own.
            if self._pending is not None:
                sender, receiver, text = self._pending
                self._pending = (sender, receiver, text + b"\n" + line)
            return
        self._flush_text()
        sender, receiver, kind, rest = match.groups()
        if kind == b"text":
            self._pending = (sender, receiver, rest)
        elif kind == b"data":
            self._emit(sender, receiver, _decode(_unquote(rest)))
        elif kind in (b"ucs-2", b"ucs2"):
            self._emit(sender, receiver, _unquote(rest).decode("utf-16-be", errors="replace"))
        else:
            udh, _, data = rest.partition(b" data ")
            self._part(sender, receiver, _unquote(udh), _unquote(data))

    def _part(self, sender: bytes, receiver: bytes, udh: bytes, data: bytes) -> None:
        info = _concat_info(udh)
        if info is None:
            self._emit(sender, receiver, _decode(data))
            return
        reference, total, sequence = info
        key = (sender, receiver, reference, total)
        parts = self._parts.setdefault(key, {})
        parts[sequence] = data
        if len(parts) == total:
            del self._parts[key]
            joined = b"".join(parts[number] for number in sorted(parts))
            self._emit(sender, receiver, _decode(joined), total)

    def _flush_text(self) -> None:
        if self._pending is not None:
            sender, receiver, text = self._pending
            self._pending = None
            self._emit(sender, receiver, text.decode("utf-8", errors="replace"))

    def _emit(self, sender: bytes, receiver: bytes, text: str, parts: int = 1) -> None:
        self._deliver.put(SmsOut(sender.decode(), receiver.decode(), text, parts))


class _Inbox:
    """The MT messages received so far, and how many ``sms_out`` has handed out."""

    def __init__(self) -> None:
        self._messages: list[SmsOut] = []
        self._taken = 0
        self._changed = threading.Condition()

    def put(self, sms: SmsOut) -> None:
        with self._changed:
            self._messages.append(sms)
            self._changed.notify_all()

    def take(self, count: int, timeout: float) -> list[SmsOut]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._messages) - self._taken < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    got = self._messages[self._taken :]
                    raise AssertionError(
                        f"expected {count} SMS from Kannel within {timeout}s, got {len(got)}: "
                        f"{got!r}"
                    )
                self._changed.wait(left)
            taken = self._messages[self._taken : self._taken + count]
            self._taken += count
            return taken


class Kannel:
    """A Kannel gateway on loopback with a simulated SMSC; see the module docstring."""

    def __init__(self, *, service_base: str, secret: str, workdir: Path) -> None:
        self.service_base = service_base.rstrip("/")
        self.secret = secret
        self.workdir = workdir
        (
            self.admin_port,
            self.smsbox_port,
            self.sendsms_port,
            self.handset_port,
            self.injector_port,
        ) = free_ports(5)
        self.sendsms_url = f"http://{_HOST}:{self.sendsms_port}/cgi-bin/sendsms"
        self.username = "aduan"
        self.password = secrets.token_urlsafe(12)
        self._admin_password = secrets.token_urlsafe(12)
        self._bearerbox: subprocess.Popen[bytes] | None = None
        self._smsbox: subprocess.Popen[bytes] | None = None
        self._handset: _Handset | None = None
        self._inbox = _Inbox()
        self._inject_lock = threading.Lock()
        self._reference = secrets.randbelow(256)

    # -- life cycle -----------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        return self.workdir / "kannel.conf"

    @property
    def running(self) -> bool:
        return self._bearerbox is not None

    def start(self) -> None:
        """Start bearerbox, the handset simulator and smsbox; return once Kannel
        accepts sendsms requests and the simulated SMSC is online."""
        if self.running:
            return
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(self.config(), encoding="utf-8")
        _running.add(self)
        try:
            self._bearerbox = self._box(BEARERBOX, "bearerbox")
            self._wait("bearerbox admin interface", lambda: self._status() is not None)
            self._handset = _Handset(self.handset_port, self.workdir / "handset.log", self._inbox)
            self._smsbox = self._box(SMSBOX, "smsbox")
            self._wait("smsbox and the simulated SMSC", self._ready)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the boxes and the simulator; ``start()`` brings them back on the same
        ports."""
        _end(self._smsbox)
        _end(self._bearerbox)
        if self._handset is not None:
            self._handset.stop()
        self._smsbox = self._bearerbox = self._handset = None

    def close(self) -> None:
        self.stop()
        _running.discard(self)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- messages -------------------------------------------------------------------

    def sms_in(self, sender: str, receiver: str, text: str) -> None:
        """An SMS from ``sender`` to ``receiver`` (MO), through the simulated SMSC."""
        if not self.running:
            raise KannelError("Kannel is stopped")
        with self._inject_lock:
            for line in self._mo_lines(sender, receiver, text):
                self._inject(line)

    def sms_out(self, *, count: int, timeout: float = 15) -> list[SmsOut]:
        """The next ``count`` SMS that Kannel sent to the simulated SMSC (MT)."""
        return self._inbox.take(count, timeout)

    def _mo_lines(self, sender: str, receiver: str, text: str) -> list[str]:
        head = f"{sender} {receiver}"
        if not is_gsm7(text) or "\n" in text or "\r" in text:
            # One UCS-2 message, URL-encoded (also carries newlines, which a raw text
            # line cannot). The simulator has no way to send UCS-2 parts with a UDH.
            data = urllib.parse.quote_from_bytes(text.encode("utf-16-be"), safe="")
            return [f"{head} ucs2 {data}"]
        parts = sms_split(text)
        if len(parts) == 1:
            return [f"{head} text {text}"]
        self._reference = (self._reference + 1) % 256
        lines = []
        for sequence, part in enumerate(parts, start=1):
            udh = bytes([5, 0x00, 3, self._reference, len(parts), sequence])
            lines.append(f"{head} udh-text {urllib.parse.quote_from_bytes(udh, safe='')} {part}")
        return lines

    def _inject(self, line: str) -> None:
        """Send one line through a short-lived fakesmsc; return once it is written."""
        log_path = self.workdir / "injector.log"
        process = _spawn(
            [str(FAKESMSC), "-H", _HOST, "-r", str(self.injector_port), "-m", "1", "-v", "1",
             line],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        assert process.stderr is not None
        output = b""
        sent = False
        deadline = time.monotonic() + _START_TIMEOUT
        try:
            fd = process.stderr.fileno()
            while not sent and time.monotonic() < deadline:
                ready, _, _ = select.select([fd], [], [], deadline - time.monotonic())
                if not ready:
                    break
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                output += chunk
                sent = b"fakesmsc: sent message 1" in output
        finally:
            _end(process)  # not SIGINT: fakesmsc sees that only once its wait ends
            output += process.stderr.read()
            process.stderr.close()
            with log_path.open("ab") as log:
                log.write(output)
        if not sent:
            raise KannelError(f"the simulator could not send {line!r}:\n{_tail(log_path)}")

    # -- configuration and readiness ---------------------------------------------------

    def config(self) -> str:
        """The Kannel configuration: bearerbox, two fake SMSC connections, smsbox, the
        sendsms user and the service that calls our endpoint."""
        work = self.workdir
        get_url = (
            f"{self.service_base}/channels/sms/kannel?from=%p&to=%P&text=%b&smsc=%i&ts=%t"
            f"&id=%I&coding=%c&charset=%C&secret={_kannel_escape(self.secret)}"
        )
        return f"""\
# Written by tests/channels/sms/kannel.py: a test gateway on loopback.
group = core
admin-port = {self.admin_port}
admin-interface = {_HOST}
admin-password = "{self._admin_password}"
smsbox-port = {self.smsbox_port}
smsbox-interface = {_HOST}
box-allow-ip = {_HOST}
box-deny-ip = "*.*.*.*"
log-file = "{work / "bearerbox.log"}"
log-level = 0
access-log = "{work / "access.log"}"
dlr-storage = internal
sms-combine-concatenated-mo = true

# The handset simulator connects here and receives every MT message.
group = smsc
smsc = fake
smsc-id = {SMSC_ID}
our-host = {_HOST}
host = {_HOST}
port = {self.handset_port}
connect-allow-ip = {_HOST}

# Short-lived simulators inject MO messages here; no MT message is routed here.
group = smsc
smsc = fake
smsc-id = {SMSC_ID}
our-host = {_HOST}
host = {_HOST}
port = {self.injector_port}
connect-allow-ip = {_HOST}
allowed-smsc-id = {_NOWHERE}

group = smsbox
bearerbox-host = {_HOST}
bearerbox-port = {self.smsbox_port}
sendsms-port = {self.sendsms_port}
sendsms-interface = {_HOST}
mo-recode = true
log-file = "{work / "smsbox.log"}"
log-level = 0
access-log = "{work / "smsbox-access.log"}"

group = sendsms-user
username = "{self.username}"
password = "{self.password}"
user-allow-ip = {_HOST}
concatenation = true
max-messages = 10

group = sms-service
keyword = default
catch-all = true
get-url = "{get_url}"
omit-empty = true
accept-x-kannel-headers = true
concatenation = true
max-messages = 10
"""

    def _box(self, program: Path, name: str) -> subprocess.Popen[bytes]:
        with (self.workdir / f"{name}.out").open("ab") as output:
            return _spawn(
                [str(program), "-v", "4", str(self.config_path)], stdout=output, stderr=output
            )

    def _status(self) -> str | None:
        url = f"http://{_HOST}:{self.admin_port}/status.txt?password={self._admin_password}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode("utf-8", errors="replace"))
        except (OSError, urllib.error.URLError):
            return None

    def _ready(self) -> bool:
        status = self._status() or ""
        boxes = status.partition("Box connections:")[2].partition("SMSC connections:")[0]
        smsbox_online = "smsbox:" in boxes and "on-line" in boxes
        handset_online = f"FAKE:{self.handset_port} (online" in status
        if not (smsbox_online and handset_online):
            return False
        with (
            contextlib.suppress(OSError),
            socket.create_connection((_HOST, self.sendsms_port), timeout=1),
        ):
            return True
        return False

    def _wait(self, what: str, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        while not ready():
            dead = [
                name
                for name, process in (
                    ("bearerbox", self._bearerbox),
                    ("smsbox", self._smsbox),
                    ("handset simulator", self._handset.process if self._handset else None),
                )
                if process is not None and process.poll() is not None
            ]
            if dead or time.monotonic() > deadline:
                reason = f"{', '.join(dead)} exited" if dead else f"not ready in {_START_TIMEOUT}s"
                raise KannelError(f"Kannel did not start ({what}: {reason}).\n{self.logs()}")
            time.sleep(_POLL)

    def logs(self) -> str:
        """The end of every log in ``workdir``, for error messages."""
        names = (
            "bearerbox.out", "bearerbox.log", "smsbox.out", "smsbox.log", "handset.log",
            "injector.log",
        )  # fmt: skip
        return "\n".join(_tail(self.workdir / name) for name in names)
