"""PostgreSQL clusters of the drills' own, each in a data directory under a temporary
folder and on a free loopback port: made by initdb (or copied from a migrated seed),
streaming standbys made by pg_basebackup, stopped and promoted by pg_ctl. PostgreSQL
refuses to run as root: as root, its programs run as the ``postgres`` user."""

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql as pgsql

from drills.support import DrillError, free_port, wait_for

# The programs of one PostgreSQL version (Debian keeps each version's apart).
PROGRAMS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
OS_USER = "postgres"
DATABASE = "aduan"

# What every drill cluster runs with: loopback only, replication possible, durable
# (fsync and synchronous commit on, as production), small.
SETTINGS: dict[str, str | int] = {
    "listen_addresses": "127.0.0.1",
    "wal_level": "replica",
    "max_wal_senders": 10,
    "max_replication_slots": 10,
    "hot_standby": "on",
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "shared_buffers": "32MB",
    "max_connections": 50,
    "log_line_prefix": "%m [%p] ",
    "log_min_messages": "warning",
}


def bin_dir() -> Path:
    """``ADUAN_PG_BIN``, or the newest of Debian's /usr/lib/postgresql/<version>/bin."""
    named = os.environ.get("ADUAN_PG_BIN")
    if named:
        return Path(named)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    return versions[-1] if versions else Path("/usr/lib/postgresql/15/bin")


def programs_missing() -> list[str]:
    """What of PostgreSQL's programs this machine lacks (and, as root, its user)."""
    missing = [name for name in PROGRAMS if not (bin_dir() / name).exists()]
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OS_USER)
        except KeyError:
            missing.append(f"the {OS_USER!r} OS user")
        if not shutil.which("runuser"):
            missing.append("runuser")
    return missing


def as_postgres(argv: Sequence[str]) -> list[str]:
    """``argv`` run as the PostgreSQL OS user when we are root."""
    return ["runuser", "-u", OS_USER, "--", *argv] if os.geteuid() == 0 else list(argv)


def run(argv: Sequence[str], *, what: str, timeout: float = 60) -> str:
    """Runs ``argv`` as the PostgreSQL OS user; its output, or DrillError with it."""
    try:
        done = subprocess.run(
            as_postgres(argv), capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise DrillError(f"{what}: no end after {timeout:g} s ({error.cmd})") from None
    if done.returncode != 0:
        raise DrillError(f"{what} failed ({done.returncode}): {done.stderr or done.stdout}")
    return done.stdout


def owned_dir(path: Path) -> Path:
    """``path`` made (mode 0700) and owned by the PostgreSQL OS user."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.geteuid() == 0:
        user = pwd.getpwnam(OS_USER)
        os.chown(path, user.pw_uid, user.pw_gid)
    return path


def _conf_value(value: str | int) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


@dataclass
class Cluster:
    """One PostgreSQL server: its data directory, loopback port and log."""

    name: str
    datadir: Path
    port: int
    socket_dir: Path
    log: Path

    def pg_ctl(self, *args: str, what: str, timeout: float = 60) -> str:
        command = [str(bin_dir() / "pg_ctl"), "-D", str(self.datadir), *args]
        return run(command, what=f"{self.name}: {what}", timeout=timeout)

    def configure(self, settings: Mapping[str, str | int]) -> None:
        """Appends ``settings`` to postgresql.conf (the last line of a name wins).
        postgresql.auto.conf, read after it, holds what pg_basebackup -R and a
        restore write: recovery settings, never these."""
        lines = "".join(f"{name} = {_conf_value(value)}\n" for name, value in settings.items())
        with (self.datadir / "postgresql.conf").open("a") as conf:
            conf.write(f"\n# drill: {self.name}\n{lines}")

    def start(self, *, timeout: float = 60) -> None:
        """Starts the server and waits until it takes connections (a standby's
        read-only ones too). The port is set here: a copy keeps the original's."""
        self.configure({"port": self.port, "unix_socket_directories": str(self.socket_dir)})
        self.pg_ctl(
            "-l", str(self.log), "-w", "-t", str(int(timeout)), "start",
            what="start", timeout=timeout + 10,
        )  # fmt: skip

    def stop(self, *, mode: str = "fast", timeout: float = 60) -> None:
        """``mode`` fast: clients disconnected, a checkpoint, a clean stop;
        immediate: every process ended at once, as in a crash (recovery at the
        next start)."""
        self.pg_ctl(
            "-m", mode, "-w", "-t", str(int(timeout)), "stop",
            what=f"stop ({mode})", timeout=timeout + 10,
        )  # fmt: skip

    def promote(self, *, timeout: float = 60) -> None:
        """Ends a standby's recovery: it takes writes once this returns."""
        self.pg_ctl("-w", "-t", str(int(timeout)), "promote", what="promote", timeout=timeout + 10)

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.datadir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError):
            return None

    def running(self) -> bool:
        pid = self.postmaster_pid()
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self) -> None:
        """Stops the server however it can, for clean-up after a failure."""
        if not self.running():
            return
        try:
            self.stop(mode="immediate", timeout=20)
        except DrillError:
            pid = self.postmaster_pid()
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)  # its children end with it

    def conninfo(self, dbname: str = DATABASE) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname} connect_timeout=5"

    def database_url(self, dbname: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def query(
        self,
        sql: str | pgsql.Composed,
        params: Sequence[Any] | Mapping[str, Any] = (),
        *,
        dbname: str = DATABASE,
    ) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.conninfo(dbname), autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def in_recovery(self) -> bool:
        return bool(self.query("SELECT pg_is_in_recovery()", dbname="postgres")[0][0])


def cluster_init(root: Path, name: str) -> Cluster:
    """A new, empty cluster (not started): initdb, trust on loopback (initdb's
    default pg_hba.conf: local and 127.0.0.1, replication too), SETTINGS."""
    cluster = cluster_at(root, name)
    run(
        [
            str(bin_dir() / "initdb"), "-D", str(cluster.datadir), "-U", "postgres",
            "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions",
            # No fsync of the new files: a drill's cluster need not survive a power
            # cut; the server itself runs with fsync on.
            "--no-sync",
        ],
        what=f"initdb {name}",
        timeout=120,
    )  # fmt: skip
    cluster.configure(SETTINGS)
    return cluster


def cluster_copy(source: Path, root: Path, name: str) -> Cluster:
    """A cluster whose data directory is a copy of the stopped cluster ``source``."""
    cluster = cluster_at(root, name, make=False)
    run(["cp", "-a", str(source), str(cluster.datadir)], what=f"copy {name}", timeout=120)
    return cluster


def standby_make(primary: Cluster, root: Path, name: str) -> Cluster:
    """A streaming standby of ``primary`` (not started), known to it by
    ``application_name`` = ``name``, which ``synchronous_standby_names`` names."""
    standby = cluster_at(root, name, make=False)
    run(
        [
            str(bin_dir() / "pg_basebackup"),
            "-d", f"host=127.0.0.1 port={primary.port} user=postgres application_name={name}",
            "-D", str(standby.datadir), "-X", "stream", "-c", "fast", "-R",
        ],
        what=f"pg_basebackup {name}",
        timeout=120,
    )  # fmt: skip
    return standby


def synchronous_set(primary: Cluster, standby_names: str) -> None:
    """Makes commits on ``primary`` wait until the named standby has the commit on
    disk (``synchronous_commit = on``); "" makes replication asynchronous."""
    primary.query(
        pgsql.SQL("ALTER SYSTEM SET synchronous_standby_names = {}").format(standby_names)
    )
    primary.query("SELECT pg_reload_conf()")


def replication_wait(primary: Cluster, name: str, *, sync: bool, timeout: float = 30) -> None:
    """Waits until standby ``name`` streams from ``primary`` (as its synchronous
    standby when ``sync``)."""
    wanted = "sync" if sync else "async"
    wait_for(
        lambda: primary.query(
            "SELECT 1 FROM pg_stat_replication "
            "WHERE application_name = %s AND state = 'streaming' AND sync_state = %s",
            [name, wanted],
            dbname="postgres",
        ),
        timeout=timeout,
        what=f"{name} streaming ({wanted}) from {primary.name}",
    )


def cluster_at(root: Path, name: str, *, make: bool = True) -> Cluster:
    """The place of a cluster ``name`` in ``root`` (its data directory made when
    ``make``), with a free port; nothing is written or started."""
    datadir = root / name
    if make:
        owned_dir(datadir)
    return Cluster(
        name=name,
        datadir=datadir,
        port=free_port(),
        socket_dir=owned_dir(root / "sockets"),
        log=root / f"{name}.log",
    )
