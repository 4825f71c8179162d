"""The platform's settings for the benchmark server, with the pool sized for it.

On PostgreSQL every connection comes from psycopg's pool (Django >= 5.1, needs
``psycopg-pool``; ``CONN_MAX_AGE`` must be 0 with it), here 4-12 per server process; the
server's request threads (12 with this pool) keep theirs between requests while requests keep
coming, all but 2 of them (``core/connections.py``). Without ``psycopg-pool`` a connection is
opened per request. See docs/defects.md and docs/configuration.md.
"""

import importlib.util

from smartcity.settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("postgresql") and importlib.util.find_spec(  # noqa: F405
    "psycopg_pool"
):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 4, "max_size": 12}  # noqa: F405
    DATABASES["default"].pop("CONN_HEALTH_CHECKS", None)  # noqa: F405
