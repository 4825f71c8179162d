"""Settings for the benchmark's server: the platform's own, with one change.

Under ASGI every request runs in its own thread, and Django keeps one database connection per
thread; with persistent connections (CONN_MAX_AGE > 0, the platform's PostgreSQL default)
they pile up until PostgreSQL refuses new clients under 16 concurrent writers. Connections
are therefore closed after each request here (the fix proposed for the platform settings).
"""

import os

from smartcity.settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# The ingest benchmark runs the single-POST part once more with the grouped ingest path off
# (STA_BENCH_FAST_INGEST=0) to show what it gains over Django's request cycle.
SENSORS_FAST_INGEST = os.environ.get("STA_BENCH_FAST_INGEST", "1") == "1"
