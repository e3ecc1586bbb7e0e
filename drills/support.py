"""What every drill needs: free loopback ports, waiting for a condition with a
deadline (never a fixed sleep), and stopping a process group whatever happens."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable


class DrillError(Exception):
    """A step of a drill's set-up failed: the message says which and why."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for[T](check: Callable[[], T | None], *, timeout: float, what: str) -> T:
    """``check()``'s first true answer, polled every 50 ms; DrillError after
    ``timeout`` seconds, naming ``what`` was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise DrillError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


def group_stop(process: subprocess.Popen[bytes], *, timeout: float = 15) -> None:
    """Stops a process started with ``start_new_session=True`` and every process it
    started: SIGTERM to the group, SIGKILL to what is left after ``timeout``."""
    if process.poll() is not None:
        _group_signal(process.pid, signal.SIGKILL)  # its children may outlive it
        return
    _group_signal(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout)
    _group_signal(process.pid, signal.SIGKILL)
    process.wait(timeout=timeout)


def _group_signal(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)
