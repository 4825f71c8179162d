from datetime import timedelta
from multiprocessing import Event, Queue, Value

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Failure, OrmQ, Schedule, Success
from django_q.monitor import monitor
from django_q.pusher import pusher
from django_q.worker import worker

from smartcity.core import tasks
from smartcity.core.models import City


def rename_city(slug, name):
    City.objects.filter(slug=slug).update(name=name)
    return name


def always_fails():
    raise RuntimeError("mail server down")


@pytest.fixture(autouse=True)
def keep_test_connection(monkeypatch):
    # The worker closes "old" connections between jobs; inside the test's transaction that
    # would close the test's own connection (SQLite's in-memory one is never closed).
    import django_q.monitor
    import django_q.worker

    monkeypatch.setattr(django_q.worker, "close_old_django_connections", lambda: None)
    monkeypatch.setattr(django_q.monitor, "close_old_django_connections", lambda: None)


def run_worker_once():
    """One pass of a real django-q2 worker: fetch, execute, record, acknowledge."""
    broker = get_broker()  # a fresh broker, as after a worker restart
    task_queue, result_queue = Queue(), Queue()
    stop = Event()
    stop.set()
    pusher(task_queue, stop, broker=broker)
    task_queue.put("STOP")
    worker(task_queue, result_queue, Value("f", -1))
    result_queue.put("STOP")
    monitor(result_queue, broker=broker)


def test_a_queued_job_waits_in_the_database_until_a_worker_runs_it(cities):
    tasks.enqueue("smartcity.core.tests.test_tasks.rename_city", "schwerte", "Schwerte (Ruhr)")
    # No worker ran yet: the job is stored, nothing happened.
    assert OrmQ.objects.count() == 1
    assert City.objects.get(slug="schwerte").name == "Schwerte"

    run_worker_once()

    assert City.objects.get(slug="schwerte").name == "Schwerte (Ruhr)"
    assert OrmQ.objects.count() == 0  # acknowledged
    assert Success.objects.get().result == "Schwerte (Ruhr)"


def test_a_failed_job_is_recorded_and_retried(db):
    tasks.enqueue("smartcity.core.tests.test_tasks.always_fails")
    run_worker_once()

    failure = Failure.objects.get()
    assert "mail server down" in failure.result
    assert failure.attempt_count == 1
    # Not acknowledged: it stays queued and is handed out again after the retry period.
    queued = OrmQ.objects.get()
    OrmQ.objects.filter(pk=queued.pk).update(lock=timezone.now() - timedelta(hours=1))
    run_worker_once()
    assert Failure.objects.get().attempt_count == 2


def test_enqueue_inside_a_failed_transaction_leaves_no_job(db):
    from django.db import transaction

    with pytest.raises(ValueError), transaction.atomic():
        tasks.enqueue("smartcity.core.tests.test_tasks.always_fails")
        raise ValueError("the request failed")
    assert OrmQ.objects.count() == 0


def test_periodic_jobs_are_synced_from_code(db):
    Schedule.objects.create(name="smartcity:retired-job", func="os.getcwd", schedule_type="D")
    Schedule.objects.create(name="someone-elses", func="os.getcwd", schedule_type="D")
    names = tasks.sync_schedules()
    assert "smartcity:purge-unconfirmed-accounts" in names
    stored = Schedule.objects.get(name="smartcity:purge-unconfirmed-accounts")
    assert stored.func == "smartcity.accounts.jobs.purge_unconfirmed_accounts"
    assert stored.schedule_type == Schedule.CRON
    assert not Schedule.objects.filter(name="smartcity:retired-job").exists()
    assert Schedule.objects.filter(name="someone-elses").exists()
    tasks.sync_schedules()  # idempotent
    assert Schedule.objects.filter(name__startswith="smartcity:").count() == len(names)


def test_email_is_sent_by_the_worker(db, mailoutbox):
    tasks.send_email_later("Betreff", "Text", ["a@example.org"])
    assert mailoutbox == []
    run_worker_once()
    assert [message.subject for message in mailoutbox] == ["Betreff"]


def test_unconfirmed_accounts_are_purged_after_two_weeks(db):
    from allauth.account.models import EmailAddress

    from smartcity.accounts.jobs import purge_unconfirmed_accounts
    from smartcity.accounts.models import User

    old = timezone.now() - timedelta(days=15)
    stale = User.objects.create_user("stale", "stale@example.org", "x", date_joined=old)
    EmailAddress.objects.create(user=stale, email=stale.email, verified=False)
    confirmed = User.objects.create_user("ok", "ok@example.org", "x", date_joined=old)
    EmailAddress.objects.create(user=confirmed, email=confirmed.email, verified=True)
    fresh = User.objects.create_user("fresh", "fresh@example.org", "x")

    assert purge_unconfirmed_accounts() == 1
    assert set(User.objects.values_list("username", flat=True)) == {"ok", "fresh"}
    assert fresh.pk
