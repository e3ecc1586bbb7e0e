"""Reading settings from the environment.

Every helper fails with ``ImproperlyConfigured`` whose message starts with the
variable's name, so start-up stops with one line that says what to fix.
"""

import ipaddress
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name).lower()
    if not raw:
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


_RATE = re.compile(r"^[1-9][0-9]*/[1-9]?[0-9]*[smhd]$")


def env_rates(name: str, default: dict[str, str]) -> dict[str, str]:
    """Rate limits as ``group=count/period`` pairs over the defaults; a group the
    defaults do not know is refused (a typo would otherwise limit nothing)."""
    rates = dict(default)
    for item in env_list(name, []):
        group, _, rate = item.partition("=")
        group, rate = group.strip(), rate.strip()
        if group not in default:
            raise ImproperlyConfigured(
                f"{name}: unknown limit {group!r}; known: {', '.join(sorted(default))}"
            )
        if not _RATE.match(rate):
            raise ImproperlyConfigured(f"{name}: expected {group}=count/period (5/m), got {rate!r}")
        rates[group] = rate
    return rates


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env_str(name, default).lower()
    if raw not in choices:
        raise ImproperlyConfigured(f"{name}: expected one of {', '.join(choices)}, got {raw!r}")
    return raw


def env_secret(
    name: str,
    *,
    keep_in: Path | None,
    generate: Callable[[], str] = lambda: secrets.token_urlsafe(50),
    validate: Callable[[str], None] | None = None,
) -> str:
    """A secret from the environment, or, when ``keep_in`` is given (demo mode),
    one generated once and kept in that file so restarts keep sessions and data."""
    value = env_str(name)
    if not value and keep_in is not None:
        if keep_in.exists():
            value = keep_in.read_text(encoding="ascii").strip()
        else:
            value = generate()
            keep_in.parent.mkdir(parents=True, exist_ok=True)
            keep_in.touch(mode=0o600)
            keep_in.write_text(value + "\n", encoding="ascii")
    if not value:
        raise ImproperlyConfigured(f"{name}: must be set in production mode")
    if validate is not None:
        try:
            validate(value)
        except ValueError as error:
            raise ImproperlyConfigured(f"{name}: {error}") from None
    return value


def env_numbers(name: str, default: dict[str, int]) -> dict[str, int]:
    """Whole numbers as ``key=number`` pairs over the defaults (weights, thresholds);
    a key the defaults do not know, or a value that is no whole number from 0, is
    refused."""
    numbers = dict(default)
    for item in env_list(name, []):
        key, _, raw = item.partition("=")
        key, raw = key.strip(), raw.strip()
        if key not in default:
            raise ImproperlyConfigured(
                f"{name}: unknown key {key!r}; known: {', '.join(sorted(default))}"
            )
        if not raw.isdigit():
            raise ImproperlyConfigured(f"{name}: expected {key}=<whole number>, got {raw!r}")
        numbers[key] = int(raw)
    return numbers


def env_networks(name: str, default: list[str], *, also: tuple[str, ...] = ()) -> list[str]:
    """IP addresses and CIDR networks (``10.0.0.0/8,::1``), checked at start-up and
    kept as written (``aduan.lib.clientaddress`` reads them); words in ``also`` are
    accepted as they are."""
    items = env_list(name, default)
    for item in items:
        if item in also:
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: expected IP addresses or networks (10.0.0.0/8), got {item!r}"
            ) from None
    return items
