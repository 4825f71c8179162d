"""Appointment figures on /metrics: confirmed bookings per office for today and tomorrow."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from smartcity.appointments.models import Booking
from smartcity.core.metrics import AppMetric, app_metrics


def bookings_per_day():
    today = timezone.localdate()
    days = {today: "today", today + timedelta(days=1): "tomorrow"}
    rows = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            start__date__gte=today,
            start__date__lte=today + timedelta(days=1),
        )
        .values("office__slug", "start__date")
        .annotate(count=Count("id"))
        .order_by()
    )
    return [((row["office__slug"], days[row["start__date"]]), row["count"]) for row in rows]


def register() -> None:
    app_metrics.register(
        "smartcity_bookings",
        AppMetric(
            "smartcity_bookings",
            "Confirmed appointments per office for today and tomorrow",
            ["office", "day"],
            bookings_per_day,
        ),
    )
