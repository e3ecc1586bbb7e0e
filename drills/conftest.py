"""What the drills stand on: PostgreSQL's programs (a drill without them fails, unless
ADUAN_DRILLS_MAY_SKIP=1 lets it be skipped: CI must never skip one silently), a
folder of their own owned by the PostgreSQL OS user, a migrated seed cluster made
once per session that each drill copies, and clusters that are stopped whatever
happens."""

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from drills import pgbackrest
from drills.app import Keys, app_env, citizen_token, manage
from drills.postgres import (
    SETTINGS,
    Cluster,
    cluster_copy,
    cluster_init,
    owned_dir,
    programs_missing,
    standby_make,
)


def require(missing: list[str], hint: str) -> None:
    """Fails the drill for what is missing, or skips it under ADUAN_DRILLS_MAY_SKIP=1."""
    if not missing:
        return
    message = f"this drill needs {', '.join(missing)} ({hint})"
    if os.environ.get("ADUAN_DRILLS_MAY_SKIP") == "1":
        pytest.skip(message)
    pytest.fail(f"{message}; with ADUAN_DRILLS_MAY_SKIP=1 it is skipped instead", pytrace=False)


@pytest.fixture(scope="session")
def postgres_programs() -> None:
    require(programs_missing(), "apt-get install postgresql; or set ADUAN_PG_BIN")


@pytest.fixture(scope="session")
def pgbackrest_program(postgres_programs: None) -> None:
    require([] if pgbackrest.program() else ["pgbackrest"], "apt-get install pgbackrest")


@pytest.fixture(scope="session")
def drill_root(postgres_programs: None) -> Iterator[Path]:
    """A folder for the clusters: not pytest's (its parents are closed to the
    PostgreSQL user), removed at the end (clusters take ~100 MB each)."""
    root = owned_dir(Path(tempfile.mkdtemp(prefix="aduan-drills-")))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class Seed:
    """A stopped cluster holding the migrated database ``aduan`` and a citizen with
    an API token, made under ``keys`` (every app process of the session uses them)."""

    datadir: Path
    token: str
    keys: Keys
    seconds: float


@pytest.fixture(scope="session")
def seed(drill_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Seed:
    """Made once: migrating takes half a minute, and each drill copies the result.
    Migrated without fsync (a seed need not survive a power cut); its copies run
    with SETTINGS, durable."""
    started = time.monotonic()
    keys = Keys.new()
    cluster = cluster_init(drill_root, "seed")
    cluster.configure({"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"})
    try:
        cluster.start()
        cluster.query("CREATE DATABASE aduan", dbname="postgres")
        env = app_env(
            database_url=cluster.database_url(),
            var_dir=tmp_path_factory.mktemp("seed-var"),
            keys=keys,
        )
        manage("migrate", "--no-input", "-v0", env=env, timeout=600)
        token = citizen_token(env)
        cluster.stop()
    finally:
        cluster.kill()
    cluster.configure(SETTINGS)
    os.sync()
    made = Seed(cluster.datadir, token, keys, time.monotonic() - started)
    print(f"\nseed cluster migrated in {made.seconds:.1f} s")
    return made


class ClusterSet:
    """The clusters of one drill, in a folder of their own: each is stopped at the
    end (hard, if a clean stop fails), their logs are copied to ``logs`` and their
    data directories removed."""

    def __init__(self, root: Path, seed: Seed, logs: Path) -> None:
        self.root = owned_dir(Path(tempfile.mkdtemp(dir=root)))
        self.seed = seed
        self.logs = logs
        self.made: list[Cluster] = []

    def from_seed(self, name: str) -> Cluster:
        return self._kept(cluster_copy(self.seed.datadir, self.root, name))

    def standby(self, primary: Cluster, name: str) -> Cluster:
        return self._kept(standby_make(primary, self.root, name))

    def adopt(self, cluster: Cluster) -> Cluster:
        return self._kept(cluster)

    def _kept(self, cluster: Cluster) -> Cluster:
        self.made.append(cluster)
        return cluster

    def __enter__(self) -> "ClusterSet":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            for cluster in reversed(self.made):
                cluster.kill()
        finally:
            self.logs.mkdir(parents=True, exist_ok=True)
            for log in self.root.rglob("*.log"):
                shutil.copy(log, self.logs / log.name)
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def clusters(drill_root: Path, seed: Seed, tmp_path: Path) -> Iterator[ClusterSet]:
    with ClusterSet(drill_root, seed, tmp_path / "logs") as made:
        yield made


def figures_publish(path: Path, figures: dict[str, Any]) -> None:
    """Prints a drill's figures (pytest -s shows them) and keeps them as JSON."""
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(f"\n{json.dumps(figures, indent=2, ensure_ascii=False)}\nfigures kept in {path}")
