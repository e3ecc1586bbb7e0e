"""A DATABASE_URL naming the primary and its standbys: split for libpq, which finds
the writable one (the failover drill, scripts/drills, shows it end to end)."""

import pytest

from aduan.lib.dburl import hosts_split


def test_one_server_is_left_as_it_is() -> None:
    url = "postgres://aduan@db.internal:5432/aduan?sslmode=require"
    assert hosts_split(url) == (url, "", "")


def test_several_servers_become_libpq_lists() -> None:
    single, hosts, ports = hosts_split(
        "postgres://aduan:s%40cret@10.0.0.21:5432,10.0.0.22:6432/aduan"
        "?target_session_attrs=read-write"
    )
    assert (
        single == "postgres://aduan:s%40cret@10.0.0.21:5432/aduan?target_session_attrs=read-write"
    )
    assert (hosts, ports) == ("10.0.0.21,10.0.0.22", "5432,6432")


def test_ipv6_and_missing_ports() -> None:
    assert hosts_split("postgres://u@[2001:db8::1]:5433,db2/a")[1:] == (
        "2001:db8::1,db2",
        "5433,5432",
    )


@pytest.mark.parametrize("url", ["postgres://u@h1:5432,:5433/a", "postgres://u@h1:54x2,h2/a"])
def test_a_broken_list_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"empty host|not a number"):
        hosts_split(url)
