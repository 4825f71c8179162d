"""Rate limits for report submissions and supports, counted in Django's cache (Redis in production).

Each limit is "at most N submissions per window" in fixed windows (the counter's key names
the window, so the time until it ends is the ``Retry-After``). Counted per network address
(IPv6 per /64: one connection usually has a whole /64) and, for Open311, per API key.

The address is ``REMOTE_ADDR``. Behind the platform's reverse proxy uvicorn puts the client's
address there from ``X-Forwarded-For`` for the proxies named in ``FORWARDED_ALLOW_IPS``
(default 127.0.0.1, as in ``deploy/nginx``); a proxy on another host must be named there,
or every report would seem to come from the proxy.

Settings: ``DEFECTS_RATE_LIMITS`` overrides entries of :data:`DEFAULT_LIMITS` (values like
``"10/h"``; ``None`` switches a limit off).
"""

import re
import time
from dataclasses import dataclass

from django.conf import settings

from smartcity.core import ratelimit

# A city app's server sends all its citizens' reports with one key from one address, so the
# Open311 limits are far higher than one person at the web form needs.
DEFAULT_LIMITS = {
    "web_address": "10/h",
    "open311_address": "600/h",
    "open311_key": "600/h",
    # The "support this report" button: every press counts, per network address.
    "support_address": "30/h",
}
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^(\d+)/([1-9]\d*)?([smhd])$")


@dataclass
class Limited(Exception):
    """Raised when a limit is reached; ``retry_after`` in seconds."""

    scope: str
    retry_after: int

    def __str__(self):
        return f"{self.scope}: rate limit reached, retry after {self.retry_after} s"


def parse_rate(text: str) -> tuple[int, int]:
    """``"10/h"`` → (10, 3600); also ``"5/10m"``."""
    match = RATE.match(text.strip())
    if not match:
        raise ValueError(f"rate limit {text!r}: expected e.g. '10/h' or '5/10m'")
    count, number, unit = match.groups()
    return int(count), int(number or 1) * UNITS[unit]


def limits() -> dict[str, tuple[int, int] | None]:
    configured = {**DEFAULT_LIMITS, **getattr(settings, "DEFECTS_RATE_LIMITS", {})}
    return {scope: parse_rate(rate) if rate else None for scope, rate in configured.items()}


def client_address(request) -> str | None:
    """The client's network address; IPv6 reduced to its /64 network."""
    address = ratelimit.client_address(request)
    return f"{address}/64" if address and ":" in address else address


def hit(scope: str, identity, now: float | None = None) -> None:
    """Count one submission for ``identity`` under ``scope``; raise :class:`Limited` when it
    goes over the limit of the current window."""
    rule = limits().get(scope)
    if rule is None or identity in (None, ""):
        return
    allowed, window = rule
    now = time.time() if now is None else now
    slot = int(now // window)
    key = f"defects:rate:{scope}:{identity}:{slot}"
    count = ratelimit.increment(key, window + 60)
    if count > allowed:
        raise Limited(scope, max(1, int((slot + 1) * window - now)))
