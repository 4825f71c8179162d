"""Periodic jobs of the core app."""

from datetime import timedelta

from django.utils import timezone

from smartcity.core.models import AccessibilityFeedback

FEEDBACK_CONTACT_RETENTION = timedelta(days=180)


def purge_feedback_contacts() -> int:
    """Remove names and e-mail addresses from handled feedback after the retention period."""
    cutoff = timezone.now() - FEEDBACK_CONTACT_RETENTION
    return (
        AccessibilityFeedback.objects.filter(handled=True, created_at__lt=cutoff)
        .exclude(name="", email="")
        .update(name="", email="")
    )
