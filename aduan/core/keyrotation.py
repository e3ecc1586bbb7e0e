"""Bringing the stored data under a new ADUAN_DATA_KEY (docs/keys.md), for
``rotate_data_key``: every encrypted field of every model is encrypted again under
the data key, and every keyed-hash column a model declares (``keyed_hashes``,
aduan/lib/crypto.py) is computed again under it.

The tables are walked in batches by primary key, each batch in a short transaction
of its own, so the application keeps running: a row is only rewritten if it still
holds what was read (the application may have written it meanwhile, under the new
key already). Run again, the walk finds nothing left to do; stopped, the next run
reads past what was done and does the rest. Nothing of a batch is written when one
of its rows cannot be read with any configured key."""

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import Case, ExpressionWrapper, F, Value, When
from tqdm import tqdm

from aduan.lib import crypto
from aduan.lib.crypto import EncryptedTextField, KeyedHash

BATCH_SIZE = 500
# Retired hashes looked for by one statement (up to three parameters each: well
# within SQLite's limit).
_REMAP_CHUNK = 200
# Rows named for each column when values read under no key (in --check).
_UNREADABLE_SHOWN = 10


class RotationError(Exception):
    """A row the walk cannot bring under the new key. Nothing of its batch was
    written; the batches before it were."""


@dataclass(frozen=True, slots=True)
class _Table:
    """A model with encrypted fields, and the hash columns computed from them."""

    model: type[models.Model]
    encrypted: tuple[str, ...]
    hashed: tuple[KeyedHash, ...]

    @property
    def name(self) -> str:
        return self.model._meta.db_table


@dataclass(frozen=True, slots=True)
class _Column:
    model: type[models.Model]
    column: str

    @property
    def name(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"


@dataclass
class Rotation:
    """What a walk found (``--check``) or did, by ``table.column``."""

    rows: int = 0
    # Encrypted values still under a retired key: found, or encrypted again.
    encrypted: Counter[str] = field(default_factory=Counter)
    # Hashes not under the data key: found, or computed again (from the row's own
    # field, or through the rows that keep the value in clear).
    hashes: Counter[str] = field(default_factory=Counter)
    # Values no configured key reads (``--check``), and the first of their rows.
    unreadable: Counter[str] = field(default_factory=Counter)
    unreadable_rows: dict[str, list[Any]] = field(default_factory=dict)
    # Rows the application wrote between our read and our write: already under the
    # new key, or found by the next run.
    changed_meanwhile: int = 0
    # Hashes of secrets never kept (tokens, keys, codes): rows that have one.
    secrets: dict[str, int] = field(default_factory=dict)

    @property
    def left(self) -> int:
        return sum(self.encrypted.values()) + sum(self.hashes.values())


@dataclass(frozen=True, slots=True)
class _Declared:
    tables: tuple[_Table, ...]
    elsewhere: tuple[_Column, ...]
    secrets: tuple[_Column, ...]


def _declared() -> _Declared:
    """Every table with encrypted fields, and every declared hash column."""
    tables: list[_Table] = []
    elsewhere: list[_Column] = []
    secrets: list[_Column] = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = {f.attname: f for f in model._meta.concrete_fields}
        encrypted = tuple(n for n, f in fields.items() if isinstance(f, EncryptedTextField))
        declared: Sequence[KeyedHash] = getattr(model, "keyed_hashes", ())
        for keyed in declared:
            named = [keyed.column, keyed.kind] if keyed.of else [keyed.column]
            if any(name not in fields for name in named) or keyed.of not in ("", *encrypted):
                raise ValueError(f"{model.__name__}.keyed_hashes: {keyed} names no such columns")
            if keyed.elsewhere:
                elsewhere.append(_Column(model, keyed.column))
            elif not keyed.of:
                secrets.append(_Column(model, keyed.column))
        if encrypted:
            hashed = tuple(keyed for keyed in declared if keyed.of)
            tables.append(_Table(model, encrypted, hashed))
    return _Declared(tuple(tables), tuple(elsewhere), tuple(secrets))


def data_key_rotate(*, batch_size: int = BATCH_SIZE, progress: bool = False) -> Rotation:
    """Brings every encrypted value and keyed hash under the data key. Raises
    RotationError, naming the table and row, at a value no configured key reads."""
    return _walk(write=True, batch_size=batch_size, progress=progress)


def data_key_left(*, batch_size: int = BATCH_SIZE, progress: bool = False) -> Rotation:
    """What is still under a retired key (and what no configured key reads),
    without writing anything."""
    return _walk(write=False, batch_size=batch_size, progress=progress)


def _walk(*, write: bool, batch_size: int, progress: bool) -> Rotation:
    declared = _declared()
    result = Rotation()
    for column in declared.secrets:
        blank = models.Q(**{column.column: ""})
        result.secrets[column.name] = column.model._base_manager.exclude(blank).count()
    # The retired hashes already followed into the other tables in this walk (one
    # person's value is met in many rows), kept short: 16 bytes of each, about 80
    # bytes of memory per person.
    followed: set[bytes] = set()
    total = sum(table.model._base_manager.count() for table in declared.tables)
    with tqdm(total=total, unit=" rows", desc="Data key", disable=not progress) as bar:
        for table in declared.tables:
            for rows in _batches(table, batch_size):
                with transaction.atomic():
                    pairs = _batch(table, rows, result, write=write)
                    fresh = {old: new for old, new in pairs.items() if _short(old) not in followed}
                    _follow(declared.elsewhere, fresh, result, write=write)
                followed.update(_short(old) for old in fresh)
                result.rows += len(rows)
                bar.update(len(rows))
    return result


def _short(digest: str) -> bytes:
    return bytes.fromhex(digest[:32])


def _batches(table: _Table, size: int) -> Iterator[list[dict[str, Any]]]:
    """The table's rows, ``size`` at a time by primary key: the encrypted fields
    as stored (``raw_<name>``), the hash columns and the columns their kinds are in."""
    raw = {
        f"raw_{name}": ExpressionWrapper(F(name), output_field=models.TextField())
        for name in table.encrypted
    }
    plain = sorted({keyed.column for keyed in table.hashed} | {k.kind for k in table.hashed})
    rows = table.model._base_manager.order_by("pk").values("pk", *plain, **raw)
    after = None
    while True:
        batch = list((rows if after is None else rows.filter(pk__gt=after))[:size])
        if not batch:
            return
        yield batch
        after = batch[-1]["pk"]


def _batch(
    table: _Table, rows: list[dict[str, Any]], result: Rotation, *, write: bool
) -> dict[str, str]:
    """Works the rows out, then (``write``) rewrites those not under the data key.
    Returns the retired hashes of the values met, with the current hash of each."""
    pairs: dict[str, str] = {}
    changes: list[tuple[Any, dict[str, Any], dict[str, Any]]] = []
    for row in rows:
        try:
            update, expect = _row(table, row, pairs)
        except _Unreadable as unreadable:
            column = f"{table.name}.{unreadable.column}"
            if write:
                raise RotationError(
                    f"table {table.name}, row {row['pk']}: {unreadable.column} cannot be "
                    "decrypted with ADUAN_DATA_KEY nor any key of ADUAN_DATA_KEY_PREVIOUS "
                    "(nothing of its batch was written; is a retired key missing?)"
                ) from None
            result.unreadable[column] += 1
            shown = result.unreadable_rows.setdefault(column, [])
            if len(shown) < _UNREADABLE_SHOWN:
                shown.append(row["pk"])
            continue
        if update:
            changes.append((row["pk"], update, expect))
    written = [True] * len(changes)
    if write:
        try:
            with transaction.atomic():
                written = [_rewrite(table, *change) for change in changes]
        except IntegrityError:
            # Again, one row at a time, to name the row that clashes.
            written = [_rewrite(table, *change, alone=True) for change in changes]
    for (_pk, update, _expect), done in zip(changes, written, strict=True):
        if not done:
            result.changed_meanwhile += 1
            continue
        for name in update:
            counter = result.encrypted if name in table.encrypted else result.hashes
            counter[f"{table.name}.{name}"] += 1
    return pairs


class _Unreadable(Exception):
    def __init__(self, column: str) -> None:
        self.column = column


def _row(
    table: _Table, row: dict[str, Any], pairs: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What to write to the row (and what it must still hold for that)."""
    update: dict[str, Any] = {}
    expect: dict[str, Any] = {}
    for name in table.encrypted:
        stored = row[f"raw_{name}"]
        if not stored:
            continue  # "" stays "" (EncryptedTextField)
        try:
            token = crypto.reencrypt(stored)
        except ValueError:
            raise _Unreadable(name) from None
        if token is not None:
            update[name] = Value(token, output_field=models.TextField())
            expect[name] = Value(stored, output_field=models.TextField())
    for keyed in table.hashed:
        stored = row[keyed.column]
        token = row[f"raw_{keyed.of}"]
        value = crypto.decrypt(token) if token else ""
        if not value and not stored:
            continue
        try:
            kind = keyed.kind_of(row[keyed.kind])
        except (KeyError, ValueError):
            raise RotationError(
                f"table {table.name}, row {row['pk']}: no hash kind for "
                f"{keyed.kind}={row[keyed.kind]!r}"
            ) from None
        current, *retired = crypto.lookup_hashes(kind, value)
        pairs.update(dict.fromkeys(retired, current))
        if stored != current:
            update[keyed.column] = current
            expect[keyed.column] = stored
    return update, expect


def _rewrite(
    table: _Table, pk: Any, update: dict[str, Any], expect: dict[str, Any], *, alone: bool = False
) -> bool:
    """Writes ``update`` if the row still holds ``expect``; False if it does not.
    ``alone``: in a savepoint of its own, raising RotationError when it clashes."""
    rows = table.model._base_manager.filter(pk=pk, **expect)
    if not alone:
        return rows.update(**update) == 1
    try:
        with transaction.atomic():
            return rows.update(**update) == 1
    except IntegrityError as error:
        hashes = ", ".join(name for name in update if name not in table.encrypted)
        raise RotationError(
            f"table {table.name}, row {pk}: its {hashes} under the new key is "
            f"another row's already ({error}); two rows stand for one person or "
            "token, made while a node lacked the key: merge or delete one, then run "
            "again (nothing of its batch was written)"
        ) from None


def _follow(
    columns: Sequence[_Column], pairs: dict[str, str], result: Rotation, *, write: bool
) -> None:
    """The hash columns kept without their value (``elsewhere``): the rows that
    carry a retired hash of a value met in this batch are found (and given its
    current hash)."""
    items = list(pairs.items())
    for start in range(0, len(items), _REMAP_CHUNK):
        chunk = items[start : start + _REMAP_CHUNK]
        olds = [old for old, _new in chunk]
        for column in columns:
            rows = column.model._base_manager.filter(**{f"{column.column}__in": olds})
            met = set(rows.values_list(column.column, flat=True).distinct())
            if not met:
                continue  # most values were never sent by this channel
            if write:
                whens = [When(**{column.column: old}, then=Value(pairs[old])) for old in met]
                found = rows.update(**{column.column: Case(*whens, default=F(column.column))})
            else:
                found = rows.count()
            result.hashes[column.name] += found
