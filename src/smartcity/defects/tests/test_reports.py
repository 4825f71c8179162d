"""Creating, supporting and working off reports through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import OrmQ

from smartcity.accounts.models import User
from smartcity.defects import services
from smartcity.defects.models import Event, Report, Status, Support
from smartcity.defects.tests.factories import INSIDE, OUTSIDE, setup_defects


@pytest.fixture
def pothole(cities):
    return setup_defects(cities)


def make(category, lat=INSIDE[0], lon=INSIDE[1], **extra):
    return services.create_report(
        category.city,
        category=category,
        latitude=lat,
        longitude=lon,
        description=extra.pop("description", "Schlagloch vor dem Rathaus"),
        source=Report.Source.WEB,
        **extra,
    )


def queued_mails():
    """(subject, recipients) of e-mails waiting for the worker."""
    found = []
    for job in OrmQ.objects.all():
        task = job.task
        if task["func"] == "smartcity.core.tasks.send_email_job":
            found.append((task["args"][0], task["args"][2]))
    return found


def test_a_report_is_routed_to_the_category_department_with_history(pothole):
    report = make(pothole, email="anna@example.org")
    assert report.department == pothole.department
    assert report.status == Status.RECEIVED
    assert list(report.events.values_list("kind", flat=True)) == [Event.Kind.CREATED]
    assert len(report.token) >= 20
    assert queued_mails() == [(f"Ihre Meldung #{report.pk} ist eingegangen", ["anna@example.org"])]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lat": OUTSIDE[0], "lon": OUTSIDE[1]}, "location"),
        ({"description": "x" * 10_000}, "description"),
        ({"description": "   "}, "description"),
        ({"email": "keine-adresse"}, "email"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(pothole, changes, field):
    with pytest.raises(services.ReportInvalid) as problem:
        make(pothole, **changes)
    assert field in problem.value.errors
    assert Report.objects.count() == 0
    assert Event.objects.count() == 0


def test_outside_message_names_the_city(pothole):
    with pytest.raises(services.ReportInvalid) as problem:
        make(pothole, lat=OUTSIDE[0], lon=OUTSIDE[1])
    assert "außerhalb von Dortmund" in problem.value.errors["location"][0]


def test_a_category_of_another_city_is_refused(pothole, cities):
    schwerte_pothole = pothole.__class__.objects.get(city=cities["schwerte"], code="schlagloch")
    with pytest.raises(services.ReportInvalid) as problem:
        services.create_report(
            cities["dortmund"],
            category=schwerte_pothole,
            latitude=INSIDE[0],
            longitude=INSIDE[1],
            description="x",
            source=Report.Source.WEB,
        )
    assert "service_code" in problem.value.errors


def test_required_and_listed_attributes_are_checked(pothole):
    size = pothole.attributes.get(code="groesse")
    size.required = True
    size.save()
    with pytest.raises(services.ReportInvalid) as problem:
        make(pothole)
    assert "attribute[groesse]" in problem.value.errors
    with pytest.raises(services.ReportInvalid):
        make(pothole, attributes={"groesse": "riesig"})
    report = make(pothole, attributes={"groesse": "mittel"})
    assert report.attributes == {"groesse": "mittel"}


def test_duplicate_candidates_are_open_same_category_near_and_recent(pothole, cities):
    near = make(pothole)
    make(pothole, lat=INSIDE[0] + 0.0009)  # about 100 m north: too far
    old = make(pothole, lat=INSIDE[0] + 0.0001)
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    closed = make(pothole, lat=INSIDE[0] - 0.0001)
    Report.objects.filter(pk=closed.pk).update(status=Status.RESOLVED)
    light = pothole.__class__.objects.get(city=pothole.city, code="laterne")
    make(light)

    found = services.duplicate_candidates(pothole, INSIDE[0] + 0.0002, INSIDE[1])
    assert [report.pk for report in found] == [near.pk]
    assert 20 < found[0].distance < 25

    # The form's hint asks the same in one query (category and candidates together).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartcity.defects import nearby

    second = make(pothole, lat=INSIDE[0] + 0.0003)
    with CaptureQueriesContext(connection) as queries:
        name, rows = nearby.duplicate_hint("dortmund", "schlagloch", INSIDE[0] + 0.0002, INSIDE[1])
    assert len(queries) == 1
    assert name == pothole.name
    assert [row[0] for row in rows] == [second.pk, near.pk]  # nearest first
    assert [row[0] for row in rows] == [
        report.pk
        for report in services.duplicate_candidates(pothole, INSIDE[0] + 0.0002, INSIDE[1])
    ]
    assert rows[1][3] == pytest.approx(found[0].distance)
    assert rows[1][5] == Report.objects.get(pk=near.pk).created_at
    assert len(nearby.duplicate_hint("dortmund", "laterne", INSIDE[0], INSIDE[1])[1]) == 1
    far = (INSIDE[0] + 0.002, INSIDE[1])  # about 220 m away: the category, no candidates
    assert nearby.duplicate_hint("dortmund", "laterne", *far) == (light.name, [])
    # Schwerte's own pothole category: Dortmund's reports are not its candidates.
    assert nearby.duplicate_hint("schwerte", "schlagloch", INSIDE[0], INSIDE[1])[1] == []
    assert nearby.duplicate_hint("dortmund", "gibtsnicht", INSIDE[0], INSIDE[1]) is None
    pothole.active = False
    pothole.save()
    assert nearby.duplicate_hint("dortmund", "schlagloch", INSIDE[0], INSIDE[1]) is None


def test_support_counts_each_person_once(pothole):
    report = make(pothole)
    assert services.support_report(report, session_key="abc")
    assert not services.support_report(report, session_key="abc")
    user = User.objects.create_user("ben", "ben@example.org", "pw-123-long")
    assert services.support_report(report, user=user)
    report.refresh_from_db()
    assert report.supporter_count == 2


def test_status_change_keeps_history_notes_and_mails_the_reporter(pothole):
    staff = User.objects.create_user("amt", "amt@example.org", "pw-123-long")
    report = make(pothole, email="anna@example.org")
    OrmQ.objects.all().delete()
    expected = timezone.now() + timedelta(days=7)
    services.change_status(
        report,
        staff,
        status=Status.IN_PROGRESS,
        public_note="Wird nächste Woche repariert.",
        internal_note="Kolonne 3",
        expected_at=expected,
        assignee=staff,
    )
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert report.status_notes == "Wird nächste Woche repariert."
    assert report.first_response_at is not None and report.closed_at is None
    status_event = report.events.get(kind=Event.Kind.STATUS)
    assert (status_event.old_status, status_event.new_status) == ("received", "in_progress")
    assert status_event.internal_note == "Kolonne 3" and status_event.actor == staff
    assert report.events.filter(kind=Event.Kind.ASSIGNED).exists()
    assert queued_mails() == [(f"Ihre Meldung #{report.pk}: In Bearbeitung", ["anna@example.org"])]

    services.change_status(report, staff, status=Status.RESOLVED)
    report.refresh_from_db()
    assert report.closed_at is not None and report.open311_status == "closed"


def test_a_duplicate_hands_its_supporters_to_the_original(pothole):
    original = make(pothole)
    duplicate = make(pothole)
    services.support_report(duplicate, session_key="one")
    services.support_report(duplicate, session_key="two")
    services.support_report(original, session_key="two")

    with pytest.raises(services.ReportInvalid) as problem:
        services.change_status(duplicate, None, status=Status.DUPLICATE)
    assert "duplicate_of" in problem.value.errors

    services.change_status(duplicate, None, status=Status.DUPLICATE, duplicate_of=original)
    original.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original and duplicate.supporter_count == 0
    # one, two (counted once) and the duplicate's reporter.
    assert original.supporter_count == 3
    assert Support.objects.filter(report=original).count() == 2
    assert original.events.filter(kind=Event.Kind.MERGED).exists()


def test_a_category_without_department_goes_to_the_citys_default_department(pothole):
    from smartcity.defects.models import Category, Department

    other = Category.objects.get(city=pothole.city, code="sonstiges")
    assert other.department is None
    default = Department.objects.get(city=pothole.city, is_default=True)
    report = make(other)
    assert report.department == default
    # Without a default department such a report cannot be routed: refused, nothing stored.
    Department.objects.filter(pk=default.pk).update(is_default=False)
    with pytest.raises(services.ReportInvalid) as refused:
        make(other)
    assert "zuständig" in refused.value.errors["service_code"][0]
    assert Report.objects.count() == 1
    # The category's own department wins over the default.
    Department.objects.filter(pk=default.pk).update(is_default=True)
    assert make(pothole).department == pothole.department != default


def test_one_default_department_per_city(pothole):
    from django.db import IntegrityError, transaction

    from smartcity.defects.models import Department

    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(city=pothole.city, slug="zweite", name="Zweite", is_default=True)
    schwerte = Department.objects.filter(city__slug="schwerte", is_default=True)
    assert schwerte.count() == 1
