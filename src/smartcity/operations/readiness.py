"""Is this instance ready to serve? Database, MQTT broker (when configured), job worker."""

from django.conf import settings
from django.db import connection


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means unusable
        return "unavailable"
    return "ok"


def check_broker() -> str:
    if not settings.SMARTCITY_MQTT_URL:
        return "not configured"
    from smartcity.core import mqtt

    try:
        client = mqtt.client_from_url(timeout=3)
        client.disconnect()
    except Exception:  # refused, DNS, TLS, auth: all mean "not ready"
        return "unavailable"
    return "ok"


def check_worker() -> str:
    """A worker cluster has reported its status recently (django-q2 heartbeat in the cache)."""
    from django_q.status import Stat

    try:
        clusters = Stat.get_all()
    except Exception:
        return "unknown"
    return "ok" if clusters else "no worker"


def readiness() -> tuple[bool, dict]:
    checks = {"database": check_database(), "broker": check_broker(), "worker": check_worker()}
    ready = checks["database"] == "ok" and checks["broker"] in {"ok", "not configured"}
    ready = ready and checks["worker"] == "ok"
    return ready, checks
