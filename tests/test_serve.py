"""What `make run` ends with: the web server and a worker, stopped together by Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        return response.status, response.read().decode()


def _children(pid: int) -> list[int]:
    out = subprocess.run(  # noqa: S603
        ["/bin/ps", "-o", "pid=", "--ppid", str(pid)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return [int(line) for line in out.split()]


def _sigint_ignored() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_answers_and_a_signal_stops_web_and_worker(tmp_path: Path, stop: int) -> None:
    env = {**os.environ, "ADUAN_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # its own SQLite file under tmp_path
    manage = [sys.executable, "-m", "aduan"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=120)  # noqa: S603
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [*manage, "serve", "--addr", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Started as a shell without job control starts a background command: with
        # SIGINT ignored. Ctrl-C (SIGINT) must stop it all the same.
        preexec_fn=_sigint_ignored,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _ = _get(f"http://127.0.0.1:{port}/readyz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the server did not come up")
                time.sleep(0.2)
        assert status == 200
        status, html = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "aduan" in html
        workers = _children(server.pid)
        assert len(workers) == 1, "one worker runs beside the web server"
        server.send_signal(stop)
        server.wait(timeout=20)
        # The worker is gone, or goes within moments (no fixed wait: poll).
        deadline = time.monotonic() + 10
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(workers), "the worker ends with the server"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _alive(pids: list[int]) -> bool:
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        return True
    return False
