"""Is a production secret strong? A short, repetitive or published key lets anyone
forge sessions (SECRET_KEY) or read reporters' personal data (ADUAN_DATA_KEY), so
production refuses it at start-up (settings.py, through env_secret's validate)."""

import base64
import binascii

# Values published with the project or with Django (README, docs, the demo): anyone
# who read them knows them. Keys are compared whole, case and spaces aside.
KNOWN = frozenset(
    {
        "demo12345",
        "mfshkylofvsgk3lpfuzgmyjnnnsxsijb",  # the demo authenticators' public key
        "change-me",
        "changeme",
        "secret",
        "your-secret-key",
        "your-secret-key-here",
    }
)
SECRET_KEY_MIN_LENGTH = 50
# A random key of 50 characters has about 35 distinct ones; "x" * 50 has one.
SECRET_KEY_MIN_DISTINCT = 16
# Of the 32 random bytes of a Fernet key, about 30 differ; "AAAA…=" has one.
DATA_KEY_MIN_DISTINCT_BYTES = 16


def _known(value: str) -> bool:
    return value.strip().lower() in KNOWN


def secret_key_check(value: str) -> None:
    """Raises ValueError saying why ``value`` is no SECRET_KEY for production."""
    if value.startswith("django-insecure-"):
        raise ValueError("a key made for development (django-insecure-…); make a new one")
    if _known(value):
        raise ValueError("a published example value; make a new key")
    if len(value) < SECRET_KEY_MIN_LENGTH:
        raise ValueError(
            f"too short ({len(value)} characters, at least {SECRET_KEY_MIN_LENGTH}); make one "
            "with `python -c 'import secrets; print(secrets.token_urlsafe(50))'`"
        )
    if len(set(value)) < SECRET_KEY_MIN_DISTINCT:
        raise ValueError(
            f"too repetitive ({len(set(value))} different characters); make a random one "
            "with `python -c 'import secrets; print(secrets.token_urlsafe(50))'`"
        )


def data_key_check(value: str) -> None:
    """Raises ValueError saying why ``value`` (already a valid Fernet key) is no
    ADUAN_DATA_KEY for production."""
    if _known(value):
        raise ValueError("a published example value; make a new key")
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError("expected a Fernet key (url-safe base64)") from None
    if len(set(raw)) < DATA_KEY_MIN_DISTINCT_BYTES:
        raise ValueError(
            "too repetitive to be random; make one with `python -c 'from cryptography.fernet "
            "import Fernet; print(Fernet.generate_key().decode())'`"
        )
