"""The one rule for who a request came from (allow-lists, rate limits, logs).

The client is the socket's peer (``REMOTE_ADDR``), unless that peer is one of our
own reverse proxies (``settings.TRUSTED_PROXIES``). Then the client is the
right-most address of the proxies' header (``settings.CLIENT_ADDRESS_HEADER``,
``X-Forwarded-For`` by default) that is not itself a trusted proxy: each proxy
appends the address it was connected from, so everything left of that point was
written by the client and may be forged. Without trusted proxies the header is
never read.
"""

import functools
import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# In ADUAN_TRUSTED_PROXIES, the peer of a Unix socket (it has no IP address: only a
# process on this host can connect, typically the proxy).
UNIX_SOCKET = "unix"
# What the rate limits count an unknown client as (one shared budget).
UNKNOWN_FOR_LIMITS = "0.0.0.0"  # noqa: S104 - a key, not an address to bind


def address_parse(text: str) -> Address | None:
    """An IP address as a proxy or a server writes it (``203.0.113.5``,
    ``203.0.113.5:4711``, ``[2001:db8::1]:443``, ``fe80::1%eth0``), IPv4 mapped in
    IPv6 read as IPv4; None for anything else."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    text = text.partition("%")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@functools.lru_cache(maxsize=64)
def networks_parse(items: tuple[str, ...]) -> tuple[Network, ...]:
    """Addresses and CIDR networks (``10.0.0.0/8``, ``::1``) as networks; raises
    ValueError naming the first item that is neither. ``unix`` is skipped."""
    networks: list[Network] = []
    for item in items:
        item = item.strip()
        if not item or item == UNIX_SOCKET:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"expected IP addresses or networks (10.0.0.0/8), got {item!r}"
            ) from None
    return tuple(networks)


def address_in(address: str, allowed: Iterable[str]) -> bool:
    """Whether ``address`` (as ``client_address`` returns it) is one of ``allowed``
    (addresses and CIDR networks). An unknown address is in no list."""
    parsed = address_parse(address)
    if parsed is None:
        return False
    return any(parsed in network for network in networks_parse(tuple(allowed)))


def _trusted(address: Address) -> bool:
    return any(address in network for network in networks_parse(tuple(settings.TRUSTED_PROXIES)))


def is_trusted_proxy(peer: Address | None) -> bool:
    """Whether the socket's peer (``address_parse`` of REMOTE_ADDR) is one of our
    proxies."""
    if peer is None:
        # A Unix socket's peer has no IP address (an empty or a path REMOTE_ADDR).
        return UNIX_SOCKET in settings.TRUSTED_PROXIES
    return _trusted(peer)


def client_address(request: HttpRequest) -> str:
    """The client's IP address in canonical form (``203.0.113.5``, ``2001:db8::1``),
    by the rule above; "" when it is unknown (no address on the socket, or a
    forwarded entry that is no address where the client's should be)."""
    raw = str(request.META.get("REMOTE_ADDR") or "")
    peer = address_parse(raw)
    if not settings.TRUSTED_PROXIES or not is_trusted_proxy(peer):
        return str(peer) if peer is not None else ""
    header = str(request.META.get(settings.CLIENT_ADDRESS_HEADER) or "")
    # Walk from the nearest hop outwards; stop at the first one we do not run.
    nearest = peer
    for entry in reversed(header.split(",")):
        if not entry.strip():
            continue
        hop = address_parse(entry)
        if hop is None:
            return ""
        if not _trusted(hop):
            return str(hop)
        nearest = hop
    # Every hop is ours (a local process that called us directly, through no proxy).
    return str(nearest) if nearest is not None else ""


def client_address_for_limits(request: HttpRequest) -> str:
    """``client_address`` for django-ratelimit (RATELIMIT_IP_META_KEY), which
    needs an address: unknown clients share one budget."""
    return client_address(request) or UNKNOWN_FOR_LIMITS
