"""The scheduled deletion jobs for personal data and the report of what they removed.

Each capability schedules its own jobs (``core.tasks.periodic``) and returns the number of
records it deleted or anonymised (or ``{kind: number}``). This module knows which of those jobs
delete personal data, what they remove and when, and records every run in
:class:`~smartcity.operations.models.DeletionReport` — from the worker (django-q's
``post_execute`` signal) or from ``smartcity run-deletion-jobs``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionJob:
    func: str
    kind: object  # what is removed (lazy German text)
    period: object  # when (lazy German text)
    action: object = _("gelöscht")


# The periodic jobs that remove personal data, by their function (see each app's jobs module).
RETENTION_JOBS = {
    job.func: job
    for job in (
        RetentionJob(
            "smartcity.accounts.jobs.purge_unconfirmed_accounts",
            _("Konten mit nie bestätigter E-Mail-Adresse"),
            _("14 Tage nach der Registrierung"),
        ),
        RetentionJob(
            "smartcity.core.jobs.purge_feedback_contacts",
            _("Name und E-Mail-Adresse in Rückmeldungen zur Barrierefreiheit"),
            _("180 Tage nach der Bearbeitung"),
            _("entfernt"),
        ),
        RetentionJob(
            "smartcity.defects.jobs.purge_reporter_contacts",
            _("Name, E-Mail-Adresse und Telefon meldender Personen im Mängelmelder"),
            _("90 Tage nach Abschluss der Meldung"),
            _("entfernt"),
        ),
        RetentionJob(
            "smartcity.appointments.jobs.anonymise_old_bookings",
            _("Name und E-Mail-Adresse in Terminbuchungen"),
            _("30 Tage nach dem Termin (einstellbar)"),
            _("anonymisiert"),
        ),
        RetentionJob(
            "smartcity.appointments.jobs.purge_expired_holds",
            _("Abgelaufene Terminreservierungen"),
            _("nach Ablauf der Reservierung"),
        ),
        RetentionJob(
            "smartcity.news.jobs.anonymise_registrations",
            _("Name und E-Mail-Adresse in Veranstaltungsanmeldungen"),
            _("30 Tage nach der Veranstaltung (einstellbar)"),
            _("anonymisiert"),
        ),
        RetentionJob(
            "smartcity.participation.jobs.purge_addresses",
            _("Netzadressen für den Missbrauchsschutz (Beteiligung)"),
            _("7 Tage nach dem Beitrag"),
        ),
        RetentionJob(
            "smartcity.participation.jobs.purge_unconfirmed",
            _("Nie bestätigte Ideen-Einreichungen (mit E-Mail-Adresse und Bild)"),
            _("7 Tage nach der Einreichung, wenn der Bestätigungslink verfallen ist"),
        ),
    )
}


def _counts(result) -> dict[str, int]:
    if isinstance(result, dict):
        return {str(kind): int(count) for kind, count in result.items()}
    return {"": int(result or 0)}


@transaction.atomic
def record(func: str, result, success: bool = True, error: str = "") -> list:
    """Write what one run of a deletion job removed; other jobs are ignored."""
    from smartcity.operations.models import DeletionReport

    job = RETENTION_JOBS.get(func)
    if job is None:
        return []
    finished = timezone.now()
    if not success:
        return [
            DeletionReport.objects.create(
                job=func, kind=str(job.kind), finished_at=finished, success=False, error=error
            )
        ]
    return [
        DeletionReport.objects.create(
            job=func,
            kind=f"{job.kind} ({kind})" if kind else str(job.kind),
            count=count,
            finished_at=finished,
        )
        for kind, count in _counts(result).items()
    ]


def on_task_executed(sender, task, **kwargs) -> None:
    """django-q's ``post_execute``: record deletion jobs run by a worker."""
    func = task.get("func")
    if not isinstance(func, str) or func not in RETENTION_JOBS:
        return
    try:
        if task.get("success"):
            record(func, task.get("result"))
        else:
            record(func, None, success=False, error=str(task.get("result"))[:2000])
    except Exception:  # a report must never make the worker fail
        logger.exception("could not record the deletion report of %s", func)


def run_all() -> list:
    """Run every deletion job now, in this process, and record what each removed."""
    reports = []
    for func in RETENTION_JOBS:
        try:
            result = import_string(func)()
        except Exception as error:  # noqa: BLE001 - reported, the other jobs still run
            logger.exception("deletion job %s failed", func)
            reports += record(func, None, success=False, error=f"{type(error).__name__}: {error}")
            continue
        reports += record(func, result)
    return reports
