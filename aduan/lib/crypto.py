"""Personal data at rest: encryption with ADUAN_DATA_KEY, and keyed hashes so a
record can be found by phone or e-mail without storing either in the clear.

A key is rotated (docs/keys.md) with the retired keys kept in
ADUAN_DATA_KEY_PREVIOUS while ``rotate_data_key`` rewrites the data under the new
one. Meanwhile data is read with any of the keys and always written with the new
one, and a record may still be hashed under a retired key: code that finds records
by a keyed hash asks for every hash of the value (``lookup_hashes``, with
``field__in=``) and writes the current one (``lookup_hash``)."""

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

_UNREADABLE = "personal data cannot be decrypted with ADUAN_DATA_KEY nor ADUAN_DATA_KEY_PREVIOUS"


@cache
def _keys() -> tuple[bytes, ...]:
    """The data key first, then the retired ones still read."""
    return tuple(key.encode("ascii") for key in (settings.DATA_KEY, *settings.DATA_KEYS_PREVIOUS))


@cache
def _fernet() -> MultiFernet:
    # Encrypts with the first key, decrypts with any.
    return MultiFernet([Fernet(key) for key in _keys()])


@cache
def _fernet_current() -> Fernet:
    return Fernet(_keys()[0])


@cache
def _lookup_keys() -> tuple[bytes, ...]:
    # A key of its own for hashing, derived from each data key, so a hash table
    # cannot be turned into a decryption oracle and vice versa. It rotates with the
    # data key: whoever holds a leaked one can hash every phone number there is.
    return tuple(hmac.new(key, b"aduan lookup v1", "sha256").digest() for key in _keys())


def crypto_cache_clear() -> None:
    """Forgets the keys read from the settings, for a process (a test) that
    changes them."""
    for cached in (_keys, _fernet, _fernet_current, _lookup_keys):
        cached.cache_clear()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        raise ValueError(_UNREADABLE) from None


def reencrypt(token: str) -> str | None:
    """``token`` encrypted again under the data key, or None when it already is.
    ValueError when no key reads it."""
    try:
        raw = token.encode("ascii")
        _fernet_current().decrypt(raw)
    except UnicodeEncodeError:
        raise ValueError(_UNREADABLE) from None
    except InvalidToken:
        pass
    else:
        return None
    try:
        return _fernet().rotate(raw).decode("ascii")
    except InvalidToken:
        raise ValueError(_UNREADABLE) from None


def _hash(key: bytes, kind: str, normalized: str) -> str:
    return hmac.new(key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()


def lookup_hash(kind: str, normalized: str) -> str:
    """A keyed hash of an already-normalised value (E.164 phone, lower-case e-mail),
    under the data key: the one to write."""
    return _hash(_lookup_keys()[0], kind, normalized)


def lookup_hashes(kind: str, normalized: str) -> list[str]:
    """The value's keyed hash under the data key, then under each retired key still
    configured: every hash a record of it may carry while a rotation is under way.
    One hash when no key is being retired."""
    return [_hash(key, kind, normalized) for key in _lookup_keys()]


@dataclass(frozen=True, slots=True)
class KeyedHash:
    """A column of lookup hashes, declared on its model (``keyed_hashes = (…,)``) so
    that ``rotate_data_key`` can bring it under a new data key. It is the hash of:

    - ``of``: the same row's encrypted field, with the kind read from the row's
      column ``kind`` (through ``kinds`` when that column holds something else, a
      channel): recomputed from the decrypted value;
    - ``elsewhere``: a channel identity (a phone number, an address, …) this row
      does not keep, but other rows keep in clear (the ``of`` columns): recomputed
      through them;
    - neither: a secret that is never kept (a token, a code): it cannot be
      recomputed, and stops matching once the key it was made with is removed."""

    column: str
    of: str = ""
    kind: str = ""
    kinds: Callable[[str], str] | None = None
    elsewhere: bool = False

    def kind_of(self, value: str) -> str:
        """The hash's kind, from the value of the row's ``kind`` column."""
        return self.kinds(value) if self.kinds is not None else value


class EncryptedTextField(models.TextField[str, str]):
    """Text stored encrypted (Fernet). It cannot be filtered or ordered on: look
    records up by a keyed-hash column instead."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        # "" stays "" (a blank field saved again must stay blank, not become NULL).
        return value if not value else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
