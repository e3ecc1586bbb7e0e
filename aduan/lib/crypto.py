"""Personal data at rest: encryption with ADUAN_DATA_KEY, and keyed hashes so a
record can be found by phone or e-mail without storing either in the clear."""

import hashlib
import hmac
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@cache
def _fernet() -> Fernet:
    return Fernet(settings.DATA_KEY.encode("ascii"))


@cache
def _lookup_key() -> bytes:
    # A key of its own for hashing, derived from the data key, so a hash table
    # cannot be turned into a decryption oracle and vice versa.
    return hmac.new(settings.DATA_KEY.encode("ascii"), b"aduan lookup v1", "sha256").digest()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise ValueError("personal data cannot be decrypted with ADUAN_DATA_KEY") from None


def lookup_hash(kind: str, normalized: str) -> str:
    """A keyed hash of an already-normalised value (E.164 phone, lower-case e-mail)."""
    message = f"{kind}:{normalized}".encode()
    return hmac.new(_lookup_key(), message, hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField[str, str]):
    """Text stored encrypted (Fernet). It cannot be filtered or ordered on: look
    records up by a keyed-hash column instead."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        # "" stays "" (a blank field saved again must stay blank, not become NULL).
        return value if not value else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
