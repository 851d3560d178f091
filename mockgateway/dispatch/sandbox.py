"""Where callbacks may connect: with the sandbox on, only to public addresses and the networks listed.

The check runs on the address each connection is actually opened to, after DNS resolution and for every
connection (so every retry that opens one): a name that resolves to a public address when the callback is
registered and to 169.254.169.254 later is refused then, and an address literal is refused like a name.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class SandboxRefused(OSError):
    """A connection the sandbox does not allow; its text says which address and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(errno.EACCES, reason)


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """The sandbox: addresses that are not public are refused unless one of ``allowed`` holds them."""

    allowed: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_config(cls, networks: Sequence[object]) -> AddressPolicy:
        """From ``callbacks.allow_networks``; raises ``ValueError`` naming the entry that is not a network."""
        parsed = []
        for index, raw in enumerate(networks):
            try:
                parsed.append(ipaddress.ip_network(str(raw), strict=False))
            except ValueError:
                raise ValueError(f"allow_networks[{index}]: {raw!r} is not an address or network") from None
        return cls(allowed=tuple(parsed))

    def refusal(self, address: str) -> str | None:
        """Why a connection to ``address`` (an IP literal) is refused, or None when it is allowed."""
        ip = ipaddress.ip_address(address.partition("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # an IPv4 address written as IPv6 (``::ffff:127.0.0.1``) is that IPv4 address
        kind = None if any(ip in network for network in self.allowed) else _kind(ip)
        if kind is None:
            return None
        return f"refused by the sandbox: {ip} is {kind} address (list it in callbacks.allow_networks to allow it)"

    def first_allowed(self, host: str, addresses: Iterable[str]) -> str:
        """The first resolved address of ``host`` the sandbox allows; raises ``SandboxRefused`` when none is."""
        reasons = []
        for address in addresses:
            reason = self.refusal(address)
            if reason is None:
                return address
            reasons.append(reason)
        raise SandboxRefused(reasons[0] if reasons else f"{host} resolves to no address")

    def socket_factory(self, info: tuple[Any, ...]) -> socket.socket:
        """For aiohttp's connector: the socket for one resolved address (a ``getaddrinfo`` entry), if allowed."""
        family, kind, proto, _, sockaddr = info
        reason = self.refusal(str(sockaddr[0]))
        if reason is not None:
            raise SandboxRefused(reason)
        return socket.socket(family=family, type=kind, proto=proto)


def _kind(ip: IPAddress) -> str | None:
    """What makes ``ip`` internal, or None for a public (globally routable, unicast) address."""
    for kind, matches in (
        ("a loopback", ip.is_loopback),
        ("a link-local", ip.is_link_local),
        ("a multicast", ip.is_multicast),
        ("an unspecified", ip.is_unspecified),
        ("a reserved", ip.is_reserved),
        ("a private", ip.is_private),
    ):
        if matches:
            return kind
    return None if ip.is_global else "a non-public"
