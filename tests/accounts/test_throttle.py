"""Sign-in throttling, on each of the four doors (citizen log-in, staff log-in, the
second-factor step, the API token): failed sign-ins count per account and per
address, apart at each door; past the free failures each next try waits longer,
and during the wait the password is not even checked. An attack spread over many
addresses cannot lock the real person out for longer than the account's short cap.

The clock is the throttle's own (``aduan.accounts.throttle._now``), moved by the
tests: nothing sleeps."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django_otp.plugins.otp_static.models import StaticDevice

from aduan.accounts import throttle
from aduan.accounts.models import User
from aduan.accounts.throttle import Surface, account_id, address_id, sign_in_attempt
from aduan.backoffice import services
from aduan.lib.errors import InvalidInput
from tests.accounts.conftest import PASSWORD, SignUp
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

WRONG = "bukan-kata-sandinya-9"
WRONG_CODE = "salah-salah-salah"
PHONE = "081234567890"
DELAYED = "Terlalu banyak percobaan masuk yang gagal."


class Clock:
    def __init__(self) -> None:
        self.now = float(int(time.time()))  # whole seconds: sums stay exact

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr(throttle, "_now", moved)
    return moved


def address(n: int) -> str:
    return f"203.0.113.{n}"


@dataclass
class People:
    citizen: User
    staff: User
    # Each staff member's unused recovery codes: the right "code" at the code step
    # (an authenticator code works only once per 30 seconds).
    codes: dict[str, list[str]] = field(default_factory=dict)


def _staff(user: User, people: People) -> None:
    user.set_password(PASSWORD)
    user.save()
    people.codes[user.username] = services.recovery_codes_generate(user=user)


@pytest.fixture
def people(cast: Cast, sign_up: SignUp) -> People:
    citizen = sign_up(PHONE)
    staff = cast.agency_admin.user
    assert staff is not None
    device = services.authenticator_enrolment_start(user=staff)
    device.confirmed = True
    device.save()
    found = People(citizen=citizen, staff=staff)
    for actor in (cast.agency_admin, cast.liaison, cast.other_liaison, cast.supervisor):
        assert actor.user is not None
        _staff(actor.user, found)
    return found


@dataclass
class Door:
    surface: Surface
    # (people, address, right, account=None) → the answer; account: another
    # identifier than the door's usual one (a staff username at the code step).
    attempt: Callable[..., HttpResponse]
    signed_in: Callable[[HttpResponse], bool]
    # Identifiers of other accounts, for the per-address budget.
    others: Callable[[People], list[str]]

    def delayed(self, response: HttpResponse) -> bool:
        if self.surface is Surface.API:
            body = json.loads(response.content)
            return (
                response.status_code == 429
                and int(response["Retry-After"]) >= 1
                and body["code"] == "signin_delayed"
                and body["title"].startswith(DELAYED)
            )
        return response.status_code == 400 and DELAYED in response.content.decode()

    def refused_as_wrong(self, response: HttpResponse) -> bool:
        """Checked and wrong (not delayed)."""
        return not self.signed_in(response) and not self.delayed(response)


def _citizen(people: People, addr: str, right: bool, account: str | None = None) -> Any:
    form = {"identity": account or PHONE, "password": PASSWORD if right else WRONG}
    return Client().post("/masuk", form, REMOTE_ADDR=addr)


def _staff_password(
    people: People, addr: str, right: bool, account: str | None = None, client: Client | None = None
) -> Any:
    form = {"username": account or people.staff.username, "password": PASSWORD if right else WRONG}
    return (client or Client()).post("/kantor/masuk", form, REMOTE_ADDR=addr)


def _code(people: People, addr: str, right: bool, account: str | None = None) -> Any:
    """The password passed (an attacker who has it), then one code."""
    username = account or people.staff.username
    client = Client()
    assert _staff_password(people, addr, True, username, client).status_code == 302
    if right:
        # django-otp's own per-device slow-down (tests/backoffice/test_signin.py)
        # would refuse the right code within a second of a wrong one in real time:
        # this tests the throttle in front of it.
        StaticDevice.objects.filter(user__username=username).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )
    code = people.codes[username].pop() if right else WRONG_CODE
    form = {"code": code, "cara": "pemulihan"}
    return client.post("/kantor/masuk/kode", form, REMOTE_ADDR=addr)


def _api(people: People, addr: str, right: bool, account: str | None = None) -> Any:
    body = {"username": account or PHONE, "password": PASSWORD if right else WRONG}
    return Client().post(
        "/api/v1/auth/token",
        json.dumps(body),
        content_type="application/json",
        headers={"accept": "application/json"},
        REMOTE_ADDR=addr,
    )


def _phones(people: People) -> list[str]:
    return [f"08567890{n:04d}" for n in range(20)]


def _staff_names(people: People) -> list[str]:
    return [name for name in people.codes if name != people.staff.username]


DOORS = {
    "citizen": Door(
        Surface.CITIZEN,
        _citizen,
        lambda r: r.status_code == 302 and r["Location"] == "/",
        _phones,
    ),
    "staff": Door(
        Surface.STAFF,
        _staff_password,
        lambda r: r.status_code == 302 and r["Location"].startswith("/kantor/masuk/"),
        lambda people: [f"tamu.{n}" for n in range(20)],
    ),
    "code": Door(
        Surface.CODE,
        _code,
        lambda r: r.status_code == 302 and r["Location"] == "/kantor/",
        _staff_names,
    ),
    "api": Door(Surface.API, _api, lambda r: r.status_code == 201, _phones),
}
each_door = pytest.mark.parametrize("door", DOORS.values(), ids=DOORS.keys())


@each_door
def test_guesses_from_twenty_addresses_at_one_account_are_slowed(
    door: Door, people: People, clock: Clock
) -> None:
    """The attacker waits out every delay, from a new address each time: all 20
    guesses are checked, and the account's delay has grown to its cap."""
    cap = settings.SIGNIN_ACCOUNT_MAX_DELAY
    for n in range(1, 21):
        clock.advance(cap)
        assert door.refused_as_wrong(door.attempt(people, address(n), False))
    # The 21st, with the right password (or code), during the delay: refused, unchecked.
    clock.advance(cap - 1)
    refused = door.attempt(people, address(21), True)
    assert door.delayed(refused) and not door.signed_in(refused)
    # The real person, from a new address, once the documented delay has passed.
    clock.advance(1)
    assert door.signed_in(door.attempt(people, address(22), True))


@each_door
def test_a_burst_from_twenty_addresses_gets_only_the_free_guesses_checked(
    door: Door, people: People, clock: Clock
) -> None:
    answers = [door.attempt(people, address(n), False) for n in range(1, 21)]
    free = settings.SIGNIN_ACCOUNT_FREE_FAILURES
    assert [door.delayed(a) for a in answers] == [False] * free + [True] * (20 - free)
    # The right password now is refused like a wrong one (no oracle), ...
    assert door.delayed(door.attempt(people, address(21), True))
    # ... and after the first step of the delay (1 s) it works from anywhere.
    clock.advance(1)
    assert door.signed_in(door.attempt(people, address(22), True))


@each_door
def test_the_address_budget_holds_across_accounts(
    door: Door, people: People, clock: Clock, settings: Any
) -> None:
    settings.SIGNIN_ADDRESS_FREE_FAILURES = 3
    attacker = address(66)
    for account in door.others(people)[:3]:
        assert door.refused_as_wrong(door.attempt(people, attacker, False, account))
    # A fourth account, even with its right password: the address waits first.
    assert door.delayed(door.attempt(people, attacker, True))
    assert door.signed_in(door.attempt(people, address(67), True))  # others are not slowed
    clock.advance(1)
    assert door.refused_as_wrong(door.attempt(people, attacker, False, door.others(people)[0]))
    assert door.delayed(door.attempt(people, attacker, False, door.others(people)[1]))  # 2 s now


@each_door
def test_a_success_clears_the_accounts_failures(door: Door, people: People, clock: Clock) -> None:
    free = settings.SIGNIN_ACCOUNT_FREE_FAILURES
    for _round in range(2):
        for n in range(free - 1):
            assert door.refused_as_wrong(door.attempt(people, address(n + 1), False))
        # Counted on, 2 × (free - 1) failures would have started the delay.
        assert door.signed_in(door.attempt(people, address(50), True))


PAIRS = [("citizen", "api"), ("api", "citizen"), ("citizen", "staff"), ("code", "staff")]


@pytest.mark.parametrize(("slowed", "other"), PAIRS, ids=["-".join(p) for p in PAIRS])
def test_the_budgets_of_two_doors_are_independent(
    slowed: str, other: str, people: People, clock: Clock, settings: Any
) -> None:
    """One address slows down both its account and its address budget at one door;
    the other door still lets the same address in, to the same account."""
    settings.SIGNIN_ADDRESS_FREE_FAILURES = settings.SIGNIN_ACCOUNT_FREE_FAILURES
    here = address(9)
    for _n in range(settings.SIGNIN_ACCOUNT_FREE_FAILURES):
        assert DOORS[slowed].refused_as_wrong(DOORS[slowed].attempt(people, here, False))
    assert DOORS[slowed].delayed(DOORS[slowed].attempt(people, here, True))
    assert DOORS[other].signed_in(DOORS[other].attempt(people, here, True))


def test_a_success_does_not_clear_the_addresss_failures(
    people: People, clock: Clock, settings: Any
) -> None:
    """An attacker cannot launder its address by signing in to an account of its own
    between guesses."""
    settings.SIGNIN_ADDRESS_FREE_FAILURES = 3
    door, here, others = DOORS["citizen"], address(70), _phones(people)
    for account in others[:2]:
        assert door.refused_as_wrong(door.attempt(people, here, False, account))
    assert door.signed_in(door.attempt(people, here, True))
    assert door.refused_as_wrong(door.attempt(people, here, False, others[2]))
    assert door.delayed(door.attempt(people, here, True))


def test_the_delay_grows_to_its_cap(people: People, clock: Clock, settings: Any) -> None:
    """Past the free failures each next try waits 1 s, 2 s, 4 s … up to the cap;
    the API says how long in Retry-After."""
    settings.SIGNIN_ACCOUNT_MAX_DELAY = 8
    door = DOORS["api"]
    for n in range(settings.SIGNIN_ACCOUNT_FREE_FAILURES):
        assert door.attempt(people, address(n + 1), False).status_code == 401
    waits = []
    for n in range(6):
        response = door.attempt(people, address(100 + n), False)
        assert door.delayed(response)
        waits.append(int(response["Retry-After"]))
        clock.advance(waits[-1] - 0.5)
        assert door.delayed(door.attempt(people, address(100 + n), True))  # not yet
        clock.advance(0.5)
        assert door.attempt(people, address(100 + n), False).status_code == 401
    assert waits == [1, 2, 4, 8, 8, 8]


def test_the_message_is_in_the_visitors_language(people: People, clock: Clock) -> None:
    for n in range(settings.SIGNIN_ACCOUNT_FREE_FAILURES):
        _citizen(people, address(n + 1), False)
    form = {"identity": PHONE, "password": PASSWORD}
    english = Client(headers={"accept-language": "en"}).post("/masuk", form)
    assert "Too many failed sign-in attempts. Try again in 1 second." in english.text
    clock.advance(0.5)
    assert "Coba lagi dalam 1 detik." in _citizen(people, address(20), True).text


def test_every_spelling_of_a_phone_number_is_one_account(people: People, clock: Clock) -> None:
    spellings = ["0812 3456 7890", "+62 812-3456-7890", "6281234567890", "+6281234567890"]
    for n, typed in enumerate([*spellings, PHONE]):
        assert not DOORS["citizen"].delayed(_citizen(people, address(n + 1), False, typed))
    assert DOORS["citizen"].delayed(_citizen(people, address(9), True, "+6281234567890"))


def test_accounts_and_addresses_are_normalised_as_the_backends_look_them_up() -> None:
    assert account_id("0812-3456-7890") == account_id("+62 812 3456 7890") == "phone:+6281234567890"
    assert account_id("Ani@Example.ID") == account_id("ani@example.id")
    assert account_id("admin.kota") == "username:admin.kota" != account_id("Admin.Kota")
    # A client holds a whole IPv6 /64; IPv4 in IPv6 is IPv4; unknown is one budget.
    assert address_id("2001:db8:1:2::1") == address_id("2001:db8:1:2:ffff::9")
    assert address_id("2001:db8:1:2::1") != address_id("2001:db8:1:3::1")
    assert address_id("::ffff:203.0.113.5") == address_id("203.0.113.5") == "203.0.113.5"
    assert address_id("") == address_id("not an address") == "unknown"


def test_the_check_is_not_run_during_the_delay(rf: RequestFactory, clock: Clock) -> None:
    request = rf.post("/masuk", REMOTE_ADDR=address(1))
    calls: list[str] = []

    def wrong() -> None:
        calls.append("checked")

    for _n in range(settings.SIGNIN_ACCOUNT_FREE_FAILURES):
        assert sign_in_attempt(request, surface=Surface.CITIZEN, account=PHONE, check=wrong) is None
    with pytest.raises(throttle.SignInDelayed) as delayed:
        sign_in_attempt(request, surface=Surface.CITIZEN, account=PHONE, check=lambda: "user")
    assert delayed.value.seconds == 1 and delayed.value.status == 429
    assert len(calls) == settings.SIGNIN_ACCOUNT_FREE_FAILURES


def test_an_error_in_the_check_counts_as_a_failure(rf: RequestFactory, clock: Clock) -> None:
    request = rf.post("/kantor/masuk/kode", REMOTE_ADDR=address(1))

    def wrong_code() -> None:
        raise InvalidInput("salah")

    for _n in range(settings.SIGNIN_ACCOUNT_FREE_FAILURES):
        with pytest.raises(InvalidInput):
            sign_in_attempt(request, surface=Surface.CODE, account="admin.kota", check=wrong_code)
    with pytest.raises(throttle.SignInDelayed):
        sign_in_attempt(request, surface=Surface.CODE, account="admin.kota", check=lambda: 1)


def test_attempts_at_the_same_moment_take_one_turn_each(rf: RequestFactory, clock: Clock) -> None:
    """Two attempts that both found the delay over (sent at once, to two processes):
    only the first to take its turn is checked; the other waits and is not counted."""
    request = rf.post("/masuk", REMOTE_ADDR=address(1))
    for _n in range(settings.SIGNIN_ACCOUNT_FREE_FAILURES):
        sign_in_attempt(request, surface=Surface.CITIZEN, account=PHONE, check=lambda: None)
    clock.advance(1)
    first = throttle._counters(request, Surface.CITIZEN, PHONE)[0]
    second = throttle._counters(request, Surface.CITIZEN, PHONE)[0]
    assert first.wait(clock()) == 0 and second.wait(clock()) == 0
    assert first.take(clock()) is True
    assert second.take(clock()) is False
    assert cache.get(first.failures_key) == settings.SIGNIN_ACCOUNT_FREE_FAILURES + 1


def test_request_limits_are_counted_per_door(people: People, settings: Any) -> None:
    """django-ratelimit's coarse limit on sign-in requests (RATE_LIMITS["login"])
    counts at each door apart too."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "2/h"}
    here = address(5)
    assert [_citizen(people, here, False).status_code for _ in range(3)] == [400, 400, 429]
    assert DOORS["staff"].signed_in(_staff_password(people, here, True))
    assert DOORS["api"].signed_in(_api(people, here, True))


@pytest.mark.parametrize(
    "variables",
    [
        {"ADUAN_SIGNIN_ACCOUNT_MAX_DELAY_SECONDS": "3600"},  # would lock a citizen out
        {"ADUAN_SIGNIN_ADDRESS_FREE_FAILURES": "0"},
        {"ADUAN_SIGNIN_FORGET_MINUTES": "soon"},
    ],
)
def test_a_bad_setting_stops_start_up(tmp_path: Path, variables: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aduan", "check"],
        env={**os.environ, "ADUAN_VAR_DIR": str(tmp_path), **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.startswith(f"aduan: configuration error: {next(iter(variables))}:")
