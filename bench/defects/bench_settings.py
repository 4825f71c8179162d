"""The platform's settings for the benchmark server, with one change to database connections.

Under ASGI, Django runs each request's sync code in a fresh thread, so with CONN_MAX_AGE > 0
every request leaves a connection behind until PostgreSQL refuses new ones ("too many clients
already"); with CONN_MAX_AGE = 0 every request opens a new one. On PostgreSQL we therefore use
psycopg's connection pool (Django ≥ 5.1, needs ``psycopg-pool``) when it is installed, else
connect per request. See docs/defects.md.
"""

import importlib.util

from smartcity.settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("postgresql") and importlib.util.find_spec(  # noqa: F405
    "psycopg_pool"
):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 4, "max_size": 12}  # noqa: F405
    DATABASES["default"].pop("CONN_HEALTH_CHECKS", None)  # noqa: F405
