"""Periodic jobs of the defect reporter."""

from datetime import timedelta

from django.utils import timezone

from smartcity.core.tasks import periodic
from smartcity.defects.models import CLOSED_STATUSES, Report

# Contact data is kept for updates while a report is open and a while after (questions,
# reopening); then it goes (DSGVO Art. 5 (1) e).
CONTACT_RETENTION = timedelta(days=90)


def purge_reporter_contacts(now=None) -> int:
    """Remove e-mail, name and phone from reports closed longer than the retention period."""
    cutoff = (now or timezone.now()) - CONTACT_RETENTION
    stale = Report.objects.filter(status__in=CLOSED_STATUSES, closed_at__lt=cutoff).exclude(
        reporter_email="", reporter_name="", reporter_phone=""
    )
    return stale.update(reporter_email="", reporter_name="", reporter_phone="")


periodic(
    "defects-purge-reporter-contacts",
    "smartcity.defects.jobs.purge_reporter_contacts",
    "15 4 * * *",
)
