"""Background jobs (django-q2) and the periodic jobs declared in code.

Jobs are rows in the platform's own database: enqueueing inside a transaction is atomic with
the data it belongs to, and a job stays queued until a worker acknowledges it, so a worker
restart loses nothing. Any capability declares periodic jobs with :func:`periodic`;
``sync_schedules`` (run after ``migrate`` and when a worker starts) makes the database match.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction
from django_q.models import Schedule
from django_q.tasks import async_task

from smartcity.core.registries import Registry

SCHEDULE_PREFIX = "smartcity:"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: str  # dotted path, e.g. "smartcity.accounts.jobs.purge_unconfirmed_accounts"
    cron: str  # crontab expression in the platform's time zone


periodic_jobs = Registry("periodic job")


def periodic(name: str, func: str, cron: str) -> PeriodicJob:
    return periodic_jobs.register(name, PeriodicJob(name, func, cron))


def enqueue(func: str, *args, **kwargs) -> str:
    """Queue ``func(*args, **kwargs)`` for a worker; returns the job id."""
    return async_task(func, *args, **kwargs)


@transaction.atomic
def sync_schedules() -> list[str]:
    """Create, update and remove our schedules so the database matches the declarations."""
    declared = {SCHEDULE_PREFIX + job.name: job for job in periodic_jobs}
    for schedule_name, job in declared.items():
        Schedule.objects.update_or_create(
            name=schedule_name,
            defaults={"func": job.func, "schedule_type": Schedule.CRON, "cron": job.cron},
        )
    Schedule.objects.filter(name__startswith=SCHEDULE_PREFIX).exclude(name__in=declared).delete()
    return sorted(declared)


def send_email_job(subject: str, body: str, recipients: list[str]) -> int:
    """Sent by a worker so a slow mail server never holds up a page."""
    return send_mail(subject, body, None, recipients)


def send_email_later(subject: str, body: str, recipients: list[str]) -> str:
    return enqueue("smartcity.core.tasks.send_email_job", subject, body, recipients)


periodic(
    "purge-accessibility-feedback-contacts",
    "smartcity.core.jobs.purge_feedback_contacts",
    "30 3 * * *",
)
