"""Shared pieces of the rate limits: the client's address and an atomic counter in the cache."""

from __future__ import annotations

import ipaddress

from django.core.cache import cache


def client_address(request) -> str | None:
    """The client's network address; an IPv6 address stands for its /64 network (its first
    address). ``REMOTE_ADDR`` is the real client behind a proxy listed in
    ``FORWARDED_ALLOW_IPS`` (uvicorn's proxy headers)."""
    if request is None:
        return None
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR") or "")
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def increment(key: str, timeout: int) -> int:
    """Count one event under ``key`` (kept ``timeout`` seconds) and return the new count;
    atomic in Redis, so parallel requests cannot both slip through."""
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1
