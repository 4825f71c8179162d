"""What every benchmark needs first: Django on a scratch data folder, SQLite or PostgreSQL.

Used by the scripts in the folders beside this file:
``sys.path.insert(0, str(Path(__file__).resolve().parents[1])); from harness import ...``.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_django(prefix: str, postgres: str | None) -> None:
    """Configure the platform on a fresh folder (and a fresh PostgreSQL database) and migrate."""
    os.environ.update(
        SMARTCITY_HOME=tempfile.mkdtemp(prefix=f"{prefix}-bench-"),
        SMARTCITY_SECRET_KEY="bench-" + "x" * 50,
        SMARTCITY_DEBUG="false",
        SMARTCITY_HTTPS="false",
        SMARTCITY_ALLOWED_HOSTS="testserver,localhost",
        DJANGO_SETTINGS_MODULE="smartcity.settings",
    )
    os.environ.pop("SMARTCITY_MQTT_URL", None)
    if postgres:
        import psycopg

        base, name = postgres.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        os.environ["SMARTCITY_DATABASE_URL"] = postgres
    else:
        os.environ.pop("SMARTCITY_DATABASE_URL", None)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def best_of(function, repeat: int) -> float:
    """Best of ``repeat`` runs after one warm-up, in seconds: on a shared machine the minimum
    is the figure least disturbed by other processes."""
    function()
    runs = []
    for _run in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return min(runs)
