"""The sensor hub's figures on /metrics: observations ingested so far.

The highest observation id stands for the total ingested: exact enough for rates, and read
from the primary key's index instead of counting a table of hundreds of millions of rows.
"""

from django.db.models import Max

from smartcity.core.metrics import AppMetric, app_metrics
from smartcity.sensors.models import Observation


def observations_ingested():
    highest = Observation.objects.aggregate(highest=Max("id"))["highest"] or 0
    return [((), highest)]


def register() -> None:
    app_metrics.register(
        "smartcity_observations_ingested",
        AppMetric(
            "smartcity_observations_ingested",
            "Observations stored since the start (highest observation id)",
            [],
            observations_ingested,
            kind="counter",
        ),
    )
