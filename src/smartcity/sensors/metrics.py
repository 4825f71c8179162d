"""The sensor hub's figures on /metrics: observations ingested so far.

The highest observation id stands for the total ingested: exact enough for rates, and read
from the primary key's index instead of counting a table of hundreds of millions of rows.
"""

from django.db.models import Max
from prometheus_client import Counter

from smartcity.core.metrics import AppMetric, app_metrics
from smartcity.sensors.models import Observation

# Requests answered by the grouped ingest path (sta/ingest.py), which bypasses the request
# metrics middleware; per process (multiprocess mode adds them up).
FAST_INGEST = Counter(
    "smartcity_sta_fast_ingest_total",
    "Single-Observation POSTs stored by the grouped ingest path",
)


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
