"""Rate limits per account and per network address (Django cache), abuse records."""

import ipaddress
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.participation.services import Refused

# action → (max events, window seconds) per account and per network address
LIMITS = {
    "comment": ((10, 600), (30, 600)),
    "rating": ((30, 3600), (60, 3600)),
    "idea": ((5, 3600), (5, 3600)),
    "report": ((20, 3600), (40, 3600)),
    "support": ((60, 3600), (120, 3600)),
}
ADDRESS_RETENTION = timedelta(days=7)


def client_address(request) -> str | None:
    """The client's network address for rate limits; IPv6 reduced to its /64 network, given
    as the network's first address (one connection usually has a whole /64, so single
    addresses would not limit anything).

    ``REMOTE_ADDR`` is the client's own address also behind the reverse proxy: uvicorn
    (``smartcity serve``) takes it from ``X-Forwarded-For`` only when the request comes from
    a proxy listed in ``FORWARDED_ALLOW_IPS`` (trusted proxy addresses or networks).
    """
    if request is None:
        return None
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR") or "")
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        # The network's first address stands for the whole /64 (also in AbuseRecord).
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _hit(key: str, limit: int, window: int) -> bool:
    """Counts one event; False when the limit was already reached."""
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit


def check(action: str, user=None, address: str | None = None, project_id=None) -> None:
    """Raise :class:`Refused` (429) when ``user`` or ``address`` did ``action`` too often."""
    from smartcity.participation.models import AbuseRecord

    per_user, per_address = LIMITS[action]
    user_key = f"participation:{action}:u:{user.pk}" if user and user.is_authenticated else None
    if user_key and not _hit(user_key, *per_user):
        raise Refused("rate_limited", _("Zu viele Versuche. Bitte später erneut."), 429)
    if address:
        if not _hit(f"participation:{action}:a:{address}", *per_address):
            raise Refused("rate_limited", _("Zu viele Versuche. Bitte später erneut."), 429)
        AbuseRecord.objects.create(action=action, address=address, project_id=project_id)


def purge_addresses() -> int:
    """Periodic job: network addresses are kept at most 7 days."""
    from smartcity.participation.models import AbuseRecord

    cutoff = timezone.now() - ADDRESS_RETENTION
    deleted, _rows = AbuseRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
