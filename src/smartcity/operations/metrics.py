"""Prometheus metrics: request rates and latencies per route group, job queue, app figures.

With several server processes set ``PROMETHEUS_MULTIPROC_DIR`` (``smartcity serve`` does) so
the figures of all processes are added up.
"""

import os
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.urls import Resolver404, resolve
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from smartcity.core.metrics import app_metrics

REQUESTS = Counter(
    "smartcity_http_requests_total",
    "HTTP requests by route group, method and status class",
    ["group", "method", "status"],
)
LATENCY = Histogram(
    "smartcity_http_request_duration_seconds",
    "HTTP request duration by route group",
    ["group"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def route_group(path: str, match=None) -> str:
    """A small, bounded set of labels: the URL namespace or first path segment. ``match`` is
    the request's ``resolver_match`` when Django resolved the path already."""
    if match is None:
        try:
            match = resolve(path)
        except Resolver404:
            return "unmatched"
    if match.namespace:
        return match.namespace.split(":")[0]
    first = path.strip("/").split("/", 1)[0]
    return (
        first if first in {"healthz", "readyz", "metrics", "admin"} else (match.app_name or "pages")
    )


class MetricsMiddleware:
    """Counts and times each request. Sync and async capable (no thread switch in either
    chain); the route is taken from the request's ``resolver_match`` (Django resolved it for
    the view already) and resolved again only for answers given before the view (redirects,
    static files, 404)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        started = time.perf_counter()
        response = self.get_response(request)
        self._count(request, response, started)
        return response

    async def _acall(self, request):
        started = time.perf_counter()
        response = await self.get_response(request)
        self._count(request, response, started)
        return response

    @classmethod
    def _count(cls, request, response, started):
        group = route_group(request.path_info, getattr(request, "resolver_match", None))
        cls.lean_answered(
            group, request.method, response.status_code, time.perf_counter() - started
        )

    @staticmethod
    def lean_answered(group: str, method: str, status: int, seconds: float) -> None:
        """Count one answer; also called for the answers given in front of the middleware
        chain (``core/lean.py``)."""
        key = (group, method, status // 100)
        children = _children.get(key)
        if children is None:  # the labelled series, looked up once (labels() takes a lock)
            children = LATENCY.labels(group), REQUESTS.labels(group, method, f"{key[2]}xx")
            _children[key] = children
        children[0].observe(seconds)
        children[1].inc()


_children: dict = {}


class DatabaseCollector:
    """Figures read from the database at scrape time: job queue and capabilities' gauges."""

    def collect(self):
        from django_q.models import Failure, OrmQ

        queue = GaugeMetricFamily("smartcity_jobs_queued", "Jobs waiting for a worker")
        queue.add_metric([], OrmQ.objects.count())
        yield queue
        failures = CounterMetricFamily("smartcity_jobs_failed", "Job runs that raised (kept)")
        failures.add_metric([], Failure.objects.count())
        yield failures
        for metric in app_metrics:
            family_type = CounterMetricFamily if metric.kind == "counter" else GaugeMetricFamily
            family = family_type(metric.name, metric.documentation, labels=metric.labels)
            for label_values, value in metric.collect():
                family.add_metric([str(v) for v in label_values], value)
            yield family


def render() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY):
            registry.register(collector)
    registry.register(DatabaseCollector())
    return generate_latest(registry)
