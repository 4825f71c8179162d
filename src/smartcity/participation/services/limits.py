"""Rate limits per account and per network address (Django cache), abuse records."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.core import ratelimit
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


client_address = ratelimit.client_address


def _hit(key: str, limit: int, window: int) -> bool:
    """Counts one event; False when the limit was already reached."""
    return ratelimit.increment(key, window) <= limit


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
