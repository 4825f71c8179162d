"""Deletion jobs report what they removed: from the worker and from run-deletion-jobs."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from smartcity.core.models import AccessibilityFeedback
from smartcity.operations import retention
from smartcity.operations.models import DeletionReport

FEEDBACK_JOB = "smartcity.core.jobs.purge_feedback_contacts"


def old_feedback(count: int) -> None:
    for number in range(count):
        feedback = AccessibilityFeedback.objects.create(
            message="Der Kontrast ist zu schwach.",
            name=f"Person {number}",
            email=f"person{number}@example.org",
            handled=True,
        )
    # created_at is set on insert; move them past the 180-day retention period.
    AccessibilityFeedback.objects.update(created_at=timezone.now() - timedelta(days=200))
    return feedback


@pytest.mark.django_db(transaction=True)
def test_a_job_run_by_the_worker_leaves_a_report():
    from django_q.tasks import async_task

    old_feedback(3)
    async_task(FEEDBACK_JOB, sync=True)
    report = DeletionReport.objects.get()
    assert report.job == FEEDBACK_JOB
    assert report.count == 3
    assert report.success
    assert "Barrierefreiheit" in report.kind
    assert not AccessibilityFeedback.objects.exclude(email="").exists()


@pytest.mark.django_db(transaction=True)
def test_other_jobs_leave_no_report():
    from django_q.tasks import async_task

    async_task("smartcity.core.tasks.send_email_job", "Betreff", "Text", [], sync=True)
    assert not DeletionReport.objects.exists()


@pytest.mark.django_db
def test_run_deletion_jobs_reports_every_job_with_its_count():
    old_feedback(2)
    output = StringIO()
    call_command("run_deletion_jobs", stdout=output)
    reports = {report.job: report for report in DeletionReport.objects.all()}
    assert set(reports) == set(retention.RETENTION_JOBS)
    assert reports[FEEDBACK_JOB].count == 2
    assert all(r.count == 0 for job, r in reports.items() if job != FEEDBACK_JOB)
    assert "     2  Name und E-Mail-Adresse in Rückmeldungen zur Barrierefreiheit" in (
        output.getvalue()
    )


@pytest.mark.django_db
def test_every_deletion_job_is_scheduled():
    from smartcity.core.tasks import periodic_jobs

    scheduled = {job.func for job in periodic_jobs}
    assert set(retention.RETENTION_JOBS) <= scheduled


@pytest.mark.django_db
def test_a_failed_run_and_counts_per_kind_are_recorded():
    retention.on_task_executed(
        "django_q", task={"func": FEEDBACK_JOB, "success": False, "result": "mail server down"}
    )
    failed = DeletionReport.objects.get()
    assert not failed.success and failed.error == "mail server down"
    rows = retention.record(FEEDBACK_JOB, {"Name": 4, "E-Mail": 1})
    assert sorted(row.count for row in rows) == [1, 4]
    assert any(row.kind.endswith("(Name)") for row in rows)


@pytest.mark.django_db
def test_only_administrators_see_the_reports(client, django_user_model):
    retention.record(FEEDBACK_JOB, 5)
    url = "/admin/operations/deletionreport/"
    staff = django_user_model.objects.create_user("staff", "s@example.org", "pw", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    admin = django_user_model.objects.create_superuser("root", "r@example.org", "pw")
    client.force_login(admin)
    page = client.get(url)
    assert page.status_code == 200
    assert "Rückmeldungen zur Barrierefreiheit" in page.content.decode()
    # Read-only: nobody adds, changes or deletes a report by hand.
    assert client.get(url + "add/").status_code == 403
