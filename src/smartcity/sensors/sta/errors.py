"""SensorThings error bodies: ``{"code": 400, "type": "error", "message": ..., "field": ...}``."""

from smartcity.sensors.errors import SensorError as StaError
from smartcity.sensors.errors import bad_request, not_found

__all__ = ["StaError", "bad_request", "not_found"]
