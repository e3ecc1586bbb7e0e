"""Which IP addresses the server may call out to on someone else's behalf (a webhook
URL an agency gave us): only hosts on the public internet, so that nobody can make
the server reach into its own network (SSRF).

An address is public when ``ipaddress`` calls it global and it is none of the
special kinds below. IPv6 forms that carry an IPv4 address are judged by the
address they carry, so ``::ffff:10.0.0.1`` and ``64:ff9b::7f00:1`` are as private
as ``10.0.0.1`` and ``127.0.0.1``; the deprecated transition forms (6to4, Teredo,
IPv4-compatible) and the local NAT64 prefix are refused whatever they carry: no
receiver worth calling lives there, and which host they reach depends on relays
we do not control."""

import ipaddress
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network

type IPAddress = IPv4Address | IPv6Address
type IPNetwork = IPv4Network | IPv6Network

# IPv6 prefixes whose last 32 bits are the IPv4 address they reach: the well-known
# NAT64 prefix (RFC 6052). IPv4-mapped addresses are read by ``ipv4_mapped``.
_NAT64 = ip_network("64:ff9b::/96")
# Refused whatever they carry.
_TRANSITION = (
    ip_network("64:ff9b:1::/48"),  # NAT64 for local use (RFC 8215)
    ip_network("2002::/16"),  # 6to4 (RFC 3056, deprecated by RFC 7526)
    ip_network("2001::/32"),  # Teredo (RFC 4380)
    ip_network("::/96"),  # IPv4-compatible (RFC 4291, deprecated); also :: and ::1
)
# Not global by IANA's registries, named here because not every Python release's
# ``is_global`` knows them all.
_SPECIAL = (
    ip_network("100.64.0.0/10"),  # shared address space, carrier-grade NAT
    ip_network("198.18.0.0/15"),  # benchmarking
    ip_network("192.0.2.0/24"),  # documentation
    ip_network("198.51.100.0/24"),  # documentation
    ip_network("203.0.113.0/24"),  # documentation
    ip_network("2001:2::/48"),  # benchmarking
    ip_network("2001:db8::/32"),  # documentation
    ip_network("3fff::/20"),  # documentation (RFC 9637)
    ip_network("5f00::/16"),  # segment routing SIDs (RFC 9602)
    ip_network("fec0::/10"),  # site-local, deprecated
)
# What a demo or test (``WEBHOOK_ALLOW_LOCAL``) may call as well: this machine and
# private-use networks. Link-local (cloud metadata at 169.254.169.254), multicast
# and the rest stay refused even then.
_LOCAL = (
    ip_network("127.0.0.0/8"),
    ip_network("10.0.0.0/8"),
    ip_network("172.16.0.0/12"),
    ip_network("192.168.0.0/16"),
    ip_network("::1/128"),
    ip_network("fc00::/7"),
)


def parse_address(text: str) -> IPAddress | None:
    """The address written in ``text`` (a URL's host), or None for a host name."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def embedded_ipv4(address: IPAddress) -> IPv4Address | None:
    """The IPv4 address an IPv6 address reaches, when it is an IPv4-mapped or a
    well-known-prefix NAT64 address."""
    if isinstance(address, IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _in(
    address: IPAddress, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def is_public(address: IPAddress) -> bool:
    """May the server call this address: is it on the public internet?"""
    inner = embedded_ipv4(address)
    if inner is not None:
        return is_public(inner)
    if _in(address, _TRANSITION) or _in(address, _SPECIAL):
        return False
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_link_local
        or address.is_loopback
        or address.is_private
        or (isinstance(address, IPv6Address) and address.is_site_local)
    )


def is_local(address: IPAddress) -> bool:
    """Is this address this machine or a private-use network (allowed in a demo)?"""
    inner = embedded_ipv4(address)
    if inner is not None:
        return is_local(inner)
    return _in(address, _LOCAL)


def may_call(address: IPAddress, *, allow_local: bool) -> bool:
    """The rule for outgoing calls: public addresses, and with ``allow_local`` (demo,
    tests) this machine and private-use networks too."""
    return is_public(address) or (allow_local and is_local(address))
