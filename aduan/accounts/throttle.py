"""Sign-in throttling: failed sign-ins are counted per account (the identifier
typed, normalised as the backends look it up) and per client address, separately
on each surface (the citizen log-in, the staff log-in, the staff second-factor step,
the API token endpoint). After a few free failures each further attempt must wait
1 s, 2 s, 4 s … since the last one: capped short for an account, so that guesses
spread over many addresses cannot lock a citizen out for long, and longer for an
address. During the delay the password is not checked at all (no oracle). A
success clears the account's failures on that surface.

The counters live in Django's cache (Redis in production, shared by every web
process; ``add`` and ``incr`` are atomic there), so attempts sent at once cannot
slip past the delay together: each attempt counts as a failure until it succeeds,
and once the delay runs only one attempt wins each turn.

django-axes (8.x) was weighed first and does not fit: it locks out rather than
slowing down (its cool-off is one fixed length, not growing with the failures),
counts by username, address and user agent only (no surface: one budget for every
door), records only what goes through ``authenticate()`` (not the second-factor
step), and resets on ``user_logged_in`` (never sent by the staff password step or
the API token endpoint, which sign no session in).
"""

import contextlib
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from aduan.lib.clientaddress import address_parse, client_address
from aduan.lib.crypto import lookup_hash
from aduan.lib.errors import AduanError, InvalidInput
from aduan.reporters.services import identity_parse


class Surface(StrEnum):
    """Each door has its own budgets: failures at one never slow another."""

    CITIZEN = "citizen"  # /masuk
    STAFF = "staff"  # /kantor/masuk
    CODE = "code"  # /kantor/masuk/kode, the second factor
    API = "api"  # POST /api/v1/auth/token


class SignInDelayed(AduanError):
    """Too many failed sign-ins: wait ``seconds`` before the next try."""

    status = 429
    default_code = "signin_delayed"

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        message = ngettext(
            "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(seconds)d detik.",
            "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(seconds)d detik.",
            seconds,
        ) % {"seconds": seconds}
        super().__init__(message)


def _now() -> float:
    """The clock of every delay (tests move it)."""
    return time.time()


def _client_address(request: HttpRequest) -> str:
    """The one place this module learns who is asking (aduan/lib/clientaddress.py)."""
    return client_address(request)


@dataclass(frozen=True, slots=True)
class _Budget:
    free: int  # failures before any delay
    cap: int  # the longest delay, in seconds


def _delay(failures: int, budget: _Budget) -> int:
    """Seconds the next attempt must wait after ``failures`` failures: none while
    they are free, then 1, 2, 4 … up to the cap."""
    if failures < budget.free:
        return 0
    return int(min(2 ** min(failures - budget.free, 62), budget.cap))


def _forget_seconds() -> int:
    return int(settings.SIGNIN_FORGET_MINUTES) * 60


@dataclass(slots=True)
class _Counter:
    """One budget's failures and the time before which no attempt may start."""

    key: str
    budget: _Budget
    until: float = 0.0  # the delay's end as this attempt found it
    moved: bool = False  # this attempt set a new end

    @property
    def failures_key(self) -> str:
        return f"{self.key}:n"

    @property
    def until_key(self) -> str:
        return f"{self.key}:until"

    def wait(self, now: float) -> float:
        """Seconds still to wait; reads the delay's end once per attempt."""
        self.until = float(cache.get(self.until_key) or 0.0)
        return max(0.0, self.until - now)

    def take(self, now: float) -> bool:
        """Counts this attempt as a failure until it proves otherwise. Past the free
        failures only one attempt may start each time a delay ends: whoever adds
        the turn's key first; the others are undone and wait."""
        failures = _increment(self.failures_key)
        if failures > self.budget.free and self.until:
            turn = f"{self.key}:turn:{self.until:.6f}"
            if not cache.add(turn, 1, timeout=_forget_seconds()):
                _decrement(self.failures_key)
                return False
        delay = _delay(failures, self.budget)
        if delay:
            cache.set(self.until_key, now + delay, timeout=_forget_seconds())
            self.moved = True
        return True

    def undo(self) -> None:
        """This attempt was no failure after all (it succeeded, or another budget
        refused it): uncount it, and put back the delay it set."""
        _decrement(self.failures_key)
        if self.moved:
            if self.until:
                cache.set(self.until_key, self.until, timeout=_forget_seconds())
            else:
                cache.delete(self.until_key)

    def clear(self) -> None:
        cache.delete_many([self.failures_key, self.until_key])


def _increment(key: str) -> int:
    timeout = _forget_seconds()
    cache.add(key, 0, timeout=timeout)
    try:
        value = int(cache.incr(key))
    except ValueError:  # it expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1
    cache.touch(key, timeout=timeout)
    return value


def _decrement(key: str) -> None:
    with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to undo
        cache.decr(key)


def account_id(identifier: str) -> str:
    """The account as the backends look it up: a phone number however written
    (``0812…``, ``+62 812-…``) and an e-mail address in any case are one account;
    anything else is a username, exactly. The identifier itself, not the user it
    finds: one budget for all of a citizen's identities would tell an attacker
    which phone number and which e-mail address belong to the same person."""
    try:
        kind, value = identity_parse(identifier)
    except InvalidInput:
        return f"username:{identifier}"
    return f"{kind}:{value}"


def address_id(address: str) -> str:
    """The address as one budget: an IPv6 client holds a whole /64, so the /64 is
    the address; an unknown address ("") is one shared budget."""
    parsed = address_parse(address)  # IPv4 written inside IPv6 is IPv4
    if parsed is None:
        return "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _counters(request: HttpRequest, surface: Surface, account: str) -> tuple[_Counter, _Counter]:
    # Keyed hashes: the cache never holds a phone number, e-mail address or IP.
    def key(kind: str, value: str) -> str:
        return f"aduan:signin:{lookup_hash('signin', f'{surface}:{kind}:{value}')}"

    by_account = _Budget(
        free=settings.SIGNIN_ACCOUNT_FREE_FAILURES, cap=settings.SIGNIN_ACCOUNT_MAX_DELAY
    )
    by_address = _Budget(
        free=settings.SIGNIN_ADDRESS_FREE_FAILURES, cap=settings.SIGNIN_ADDRESS_MAX_DELAY
    )
    return (
        _Counter(key("account", account_id(account)), by_account),
        _Counter(key("address", address_id(_client_address(request))), by_address),
    )


def _refused(counters: tuple[_Counter, ...], now: float) -> SignInDelayed:
    wait = max(counter.wait(now) for counter in counters)
    return SignInDelayed(max(1, math.ceil(wait)))


def sign_in_attempt[T](
    request: HttpRequest, *, surface: Surface, account: str, check: Callable[[], T]
) -> T:
    """Runs ``check`` (the password or code check: a user or device, or None or an
    AduanError when wrong) within the account's and the address's budgets on this
    surface. Raises SignInDelayed, without running ``check``, while either budget's
    delay runs. A result counts as a success and clears the account's failures;
    None or an exception counts as a failure."""
    now = _now()
    account_counter, address_counter = counters = _counters(request, surface, account)
    if any(counter.wait(now) > 0 for counter in counters):
        raise _refused(counters, now)
    taken: list[_Counter] = []
    for counter in counters:
        if not counter.take(now):
            for done in taken:
                done.undo()
            raise _refused(counters, now)
        taken.append(counter)
    result = check()
    if result is not None:
        account_counter.clear()
        address_counter.undo()  # the address keeps its failures, not this success
    return result
