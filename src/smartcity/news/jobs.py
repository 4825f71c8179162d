"""Registrations keep name and address only until some days after their event (DSGVO)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from smartcity.news.models import Registration


def anonymise_after_days() -> int:
    return getattr(settings, "NEWS_ANONYMISE_REGISTRATIONS_AFTER_DAYS", 30)


def anonymise_registrations(now=None) -> int:
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=anonymise_after_days())
    return (
        Registration.objects.filter(event__end__lt=cutoff)
        .exclude(email="")
        .update(name="", email="", key_hash="")
    )
