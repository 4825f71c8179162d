"""Figures that capabilities expose on /metrics, computed when Prometheus scrapes.

A capability registers a gauge in its ``AppConfig.ready()``::

    app_metrics.register("smartcity_open_defect_reports", AppMetric(
        "smartcity_open_defect_reports", "Open defect reports", ["department"], collect))

where ``collect()`` returns ``[(label_values_tuple, value), ...]``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from smartcity.core.registries import Registry


@dataclass(frozen=True)
class AppMetric:
    name: str
    documentation: str
    labels: list[str] = field(default_factory=list)
    collect: Callable[[], Iterable[tuple[tuple, float]]] = lambda: []
    kind: str = "gauge"  # or "counter" for totals that only grow (e.g. rows ever ingested)


app_metrics = Registry("metric")
