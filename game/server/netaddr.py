"""This machine's network addresses: which names a browser may use to reach the server, and
which address phones in the room should be told to use.

Nothing here sends a packet: the addresses come from the network interfaces themselves.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache

import psutil

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def host_of(netloc: str) -> str:
    """The host part of a `Host` header or URL authority: no port, no IPv6 brackets,
    lower case. `[::1]:5000` -> `::1`, `Example.org:80` -> `example.org`."""
    text = netloc.strip().lower()
    if text.startswith("["):
        return text[1:text.find("]")] if "]" in text else text[1:]
    if text.count(":") == 1:
        return text.split(":", 1)[0]
    return text


def is_loopback(host: str) -> bool:
    name = host_of(host)
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@lru_cache(maxsize=1)
def own_addresses() -> frozenset[str]:
    """Every IP address of this machine's interfaces, loopback included, and its host name."""
    found: set[str] = set(LOOPBACK_NAMES)
    for addrs in psutil.net_if_addrs().values():
        for a in addrs:
            if a.family in (socket.AF_INET, socket.AF_INET6):
                found.add(a.address.split("%", 1)[0].lower())  # drop an IPv6 zone id
    name = socket.gethostname().lower()
    if name:
        found.add(name)
    return frozenset(found)


def lan_addresses() -> list[str]:
    """The IPv4 addresses phones on the same network could use, private ranges first
    (a venue's Wi-Fi), loopback and link-local left out."""
    out = []
    for text in own_addresses():
        try:
            ip = ipaddress.ip_address(text)
        except ValueError:
            continue
        if ip.version == 4 and not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
            out.append(ip)
    return [str(ip) for ip in sorted(out, key=lambda ip: (not ip.is_private, ip))]
