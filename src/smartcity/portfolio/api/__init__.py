"""The portfolio's part of the JSON API (mounted at /api/v1/)."""

from smartcity.portfolio.api import geojson, lists, writes  # noqa: F401  (route registration)
from smartcity.portfolio.api.common import router

__all__ = ["router"]
