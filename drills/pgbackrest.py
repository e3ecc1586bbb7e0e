"""pgBackRest for the drills: a repository in the drill's folder, the primary
archiving its WAL into it, full backups, and restores into a new data directory
(docs/database-ha.md, "Backups")."""

import shutil
from dataclasses import dataclass
from pathlib import Path

from drills.postgres import Cluster, owned_dir, run
from drills.support import DrillError, wait_for

STANZA = "aduan"


def program() -> str | None:
    return shutil.which("pgbackrest")


@dataclass
class Repository:
    """A pgBackRest configuration (one stanza, one repository) in ``root``."""

    root: Path
    primary: Cluster

    @property
    def config(self) -> Path:
        return self.root / "pgbackrest.conf"

    def write(self) -> None:
        """The configuration file, as an operator's /etc/pgbackrest/pgbackrest.conf
        would hold it (docs/database-ha.md), with every path in ``root``."""
        owned_dir(self.root)
        lines = [
            "[global]",
            f"repo1-path={owned_dir(self.root / 'repo')}",
            "repo1-retention-full=2",
            "start-fast=y",
            "compress-type=lz4",
            "process-max=2",
            f"log-path={owned_dir(self.root / 'log')}",
            f"lock-path={owned_dir(self.root / 'lock')}",
            f"spool-path={owned_dir(self.root / 'spool')}",
            "log-level-console=warn",
            "log-level-file=info",
            "",
            f"[{STANZA}]",
            f"pg1-path={self.primary.datadir}",
            f"pg1-port={self.primary.port}",
            f"pg1-socket-path={self.primary.socket_dir}",
            "",
        ]
        self.config.write_text("\n".join(lines))
        self.config.chmod(0o644)

    def archive_command(self) -> str:
        return f"pgbackrest --config={self.config} --stanza={STANZA} archive-push %p"

    def command(self, *args: str, what: str, timeout: float = 120) -> str:
        return run(
            ["pgbackrest", f"--config={self.config}", f"--stanza={STANZA}", *args],
            what=f"pgbackrest {what}",
            timeout=timeout,
        )

    def stanza_create(self) -> None:
        """The stanza, made while the primary is stopped (``--no-online``): its
        first WAL segment then finds the repository ready (the archiver waits a
        minute after three failed pushes)."""
        self.command("--no-online", "stanza-create", what="stanza-create")

    def check(self) -> None:
        """pgBackRest's own check: the configuration, and a WAL segment archived."""
        self.command("check", what="check")

    def backup(self, *, kind: str = "full") -> None:
        self.command(f"--type={kind}", "backup", what=f"backup ({kind})")

    def restore(self, datadir: Path, *, target_type: str, target: str) -> None:
        """The latest backup restored into the new ``datadir``, set to recover to
        ``target`` and then promote, with archiving off: a restored copy must not
        push its own history into the repository it came from."""
        if datadir.exists() and any(datadir.iterdir()):
            raise DrillError(f"{datadir} is not empty: a restore goes to a new directory")
        owned_dir(datadir)
        self.command(
            f"--pg1-path={datadir}",
            f"--type={target_type}",
            f"--target={target}",
            "--target-action=promote",
            "--archive-mode=off",
            "restore",
            what=f"restore to {target_type} {target!r}",
        )


def archived_wait(primary: Cluster, *, timeout: float = 30) -> str:
    """Closes the current WAL segment and waits until the archiver has pushed it:
    the repository then holds every commit made so far. The segment's name."""
    segment = str(primary.query("SELECT pg_walfile_name(pg_switch_wal())")[0][0])

    def archived() -> bool:
        last = primary.query("SELECT last_archived_wal FROM pg_stat_archiver")[0][0]
        return last is not None and last >= segment

    try:
        wait_for(archived, timeout=timeout, what=f"WAL segment {segment} archived")
    except DrillError as error:
        failed = primary.query("SELECT last_failed_wal, last_failed_time FROM pg_stat_archiver")
        raise DrillError(f"{error}; last failed push: {failed[0]} (see {primary.log})") from None
    return segment
