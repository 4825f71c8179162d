"""Periodic jobs of the accounts app."""

from datetime import timedelta

from django.utils import timezone

from smartcity.accounts.models import User
from smartcity.core.tasks import periodic

UNCONFIRMED_ACCOUNT_RETENTION = timedelta(days=14)


def purge_unconfirmed_accounts() -> int:
    """Delete accounts whose e-mail address was never confirmed (data minimisation)."""
    cutoff = timezone.now() - UNCONFIRMED_ACCOUNT_RETENTION
    stale = User.objects.filter(
        date_joined__lt=cutoff, is_staff=False, is_superuser=False, last_login__isnull=True
    ).exclude(emailaddress__verified=True)
    count = stale.count()
    stale.delete()
    return count


periodic(
    "purge-unconfirmed-accounts",
    "smartcity.accounts.jobs.purge_unconfirmed_accounts",
    "15 3 * * *",
)
