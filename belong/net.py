"""The client's network address, the one way every part of Belong reads it.

Behind reverse proxies REMOTE_ADDR is the nearest proxy, and X-Forwarded-For is a list the client starts
and each proxy appends to: only the hops our own proxies wrote can be believed. With TRUSTED_PROXY_COUNT=N
the client is the Nth hop from the right (the one our outermost proxy saw connect); anything to its left is
whatever the client chose to send and is ignored, so extra, spoofed hops change nothing.

A request with fewer hops than expected (a health check or a misrouted request reaching gunicorn directly)
falls back to REMOTE_ADDR instead of failing: allauth's own reader raises ImproperlyConfigured there,
which would turn such a request into a 500.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"; a bare IPv6 address has two colons or more
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(request) -> str:
    """The client's address as text ("" if the request carries none)."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            forwarded = _parse(hops[-proxies])
            if forwarded is not None:
                return str(forwarded)
    remote = request.META.get("REMOTE_ADDR", "")
    parsed = _parse(remote)
    return str(parsed) if parsed is not None else remote.strip()


def address_block(address: str) -> str:
    """What rate limits count by: the address itself, or for IPv6 its /64, since one household or phone is
    given a whole /64 and could otherwise step through fresh addresses for free."""
    parsed = _parse(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address) + "/64"
    return str(parsed) if parsed is not None else address
