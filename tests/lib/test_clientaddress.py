"""One rule for who a request came from: the socket's address, unless the socket is
a trusted proxy; then the right-most forwarded address that is not a trusted proxy.
Without trusted proxies, X-Forwarded-For is never read."""

from typing import Any

import pytest
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited

from aduan.lib.clientaddress import (
    UNKNOWN_FOR_LIMITS,
    address_in,
    address_parse,
    client_address,
    client_address_for_limits,
)

OUTSIDE = "203.0.113.5"


def _address(rf: RequestFactory, remote: str, forwarded: str | None = None, **meta: Any) -> str:
    meta["REMOTE_ADDR"] = remote
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(rf.get("/", **meta))


def test_with_no_proxy_configured_x_forwarded_for_is_ignored(
    rf: RequestFactory, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = []
    assert _address(rf, OUTSIDE, "127.0.0.1") == OUTSIDE
    assert _address(rf, "127.0.0.1", OUTSIDE) == "127.0.0.1"
    assert _address(rf, "127.0.0.1", OUTSIDE, HTTP_X_REAL_IP=OUTSIDE) == "127.0.0.1"


def test_a_request_not_from_a_trusted_proxy_keeps_its_socket_address(
    rf: RequestFactory, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    # A client on the internet that forges the header gains nothing.
    assert _address(rf, OUTSIDE, "127.0.0.1") == OUTSIDE


def test_through_a_trusted_proxy_the_forwarded_client_counts(
    rf: RequestFactory, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert _address(rf, "127.0.0.1", OUTSIDE) == OUTSIDE
    # What the client wrote itself is left of what the proxy appended: ignored.
    assert _address(rf, "127.0.0.1", f"127.0.0.1, 10.9.9.9, {OUTSIDE}") == OUTSIDE


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(
    rf: RequestFactory, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8:aaaa::/48"]
    chain = f"198.51.100.7, {OUTSIDE}, 10.1.2.3, 2001:db8:aaaa::9"
    assert _address(rf, "10.0.0.2", chain) == OUTSIDE


def test_a_local_process_calling_directly_is_itself(rf: RequestFactory, settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert _address(rf, "127.0.0.1") == "127.0.0.1"
    assert _address(rf, "127.0.0.1", "") == "127.0.0.1"


def test_a_forwarded_entry_that_is_no_address_makes_the_client_unknown(
    rf: RequestFactory, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert _address(rf, "127.0.0.1", "unknown") == ""
    assert _address(rf, "127.0.0.1", "127.0.0.1, <script>") == ""
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="nonsense")
    assert client_address_for_limits(request) == UNKNOWN_FOR_LIMITS


def test_the_configured_header_is_read_instead(rf: RequestFactory, settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    assert _address(rf, "127.0.0.1", "198.51.100.7", HTTP_X_REAL_IP=OUTSIDE) == OUTSIDE


def test_a_unix_socket_is_a_proxy_only_when_named(rf: RequestFactory, settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert _address(rf, "", OUTSIDE) == ""
    settings.TRUSTED_PROXIES = ["unix"]
    assert _address(rf, "", OUTSIDE) == OUTSIDE
    assert _address(rf, "") == ""


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("203.0.113.5", "203.0.113.5"),
        (" 203.0.113.5:4711", "203.0.113.5"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ('"[2001:DB8:0::1]"', "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("unknown", None),
        ("", None),
        ("1.2.3", None),
    ],
)
def test_addresses_are_read_as_servers_and_proxies_write_them(
    written: str, read: str | None
) -> None:
    parsed = address_parse(written)
    assert (str(parsed) if parsed is not None else None) == read


def test_an_ipv4_mapped_socket_address_is_its_ipv4_address(
    rf: RequestFactory, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert _address(rf, "::ffff:127.0.0.1", OUTSIDE) == OUTSIDE
    assert _address(rf, "::ffff:203.0.113.5") == OUTSIDE


def test_allow_lists_take_addresses_and_networks() -> None:
    assert address_in("10.1.2.3", ["127.0.0.1", "10.0.0.0/8"])
    assert address_in("2001:db8::5", ["2001:db8::/32"])
    assert not address_in("11.0.0.1", ["10.0.0.0/8"])
    assert not address_in("", ["0.0.0.0/0"])
    assert not address_in("127.0.0.1", [])


def test_rate_limits_count_the_client_behind_the_proxy(rf: RequestFactory, settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]

    def limited(forwarded: str) -> bool:
        request = rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        return bool(
            is_ratelimited(request, group="t", key="ip", rate="1/m", method="POST", increment=True)
        )

    assert not limited(OUTSIDE)
    assert limited(OUTSIDE)
    # Another citizen behind the same proxy has a budget of their own ...
    assert not limited("198.51.100.7")
    # ... and a forged entry left of the proxy's does not buy a new one.
    assert limited(f"192.0.2.1, {OUTSIDE}")
