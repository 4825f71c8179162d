"""The checks behind ``smartcity check-deploy``: is this a sound production configuration?"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from smartcity.operations.readiness import check_broker, check_database

DEVELOPMENT_EMAIL_BACKENDS = ("console", "locmem", "dummy", "filebased")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    message: str


def _debug_off():
    return Result("debug", not settings.DEBUG, "SMARTCITY_DEBUG must be off in production")


def _secret_key():
    key = settings.SECRET_KEY
    strong = len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure")
    return Result(
        "secret key", strong, "SMARTCITY_SECRET_KEY must be at least 50 random characters"
    )


def _allowed_hosts():
    hosts = set(settings.ALLOWED_HOSTS)
    ok = bool(hosts - LOCAL_HOSTS) and "*" not in hosts
    return Result(
        "allowed hosts", ok, "SMARTCITY_ALLOWED_HOSTS must name the public host name(s), not '*'"
    )


def _https():
    ok = (
        settings.SECURE_HSTS_SECONDS >= 31536000
        and settings.SESSION_COOKIE_SECURE
        and settings.CSRF_COOKIE_SECURE
    )
    return Result("https", ok, "SMARTCITY_HTTPS must be on (HSTS, secure cookies) behind TLS")


def _database():
    if check_database() != "ok":
        return Result("database", False, "the database (SMARTCITY_DATABASE_URL) does not answer")
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    return Result(
        "database",
        vendor == "postgresql",
        "use PostgreSQL in production (SMARTCITY_DATABASE_URL=postgres://…), not SQLite",
    )


def _broker():
    state = check_broker()
    return Result(
        "mqtt broker",
        state == "ok",
        f"the MQTT broker (SMARTCITY_MQTT_URL) is {state}",
    )


def _email():
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    return Result(
        "e-mail",
        backend not in DEVELOPMENT_EMAIL_BACKENDS,
        "SMARTCITY_EMAIL_URL must name an SMTP server (smtp://, smtp+tls://)",
    )


def _migrations():
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # unreachable database is reported by its own check
        return Result("migrations", False, f"cannot read the migration state ({error})")
    return Result(
        "migrations",
        not pending,
        f"{len(pending)} migration(s) not applied: run `smartcity upgrade`",
    )


def _static_files():
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    return Result(
        "static files",
        manifest.is_file(),
        f"static files are not collected into {settings.STATIC_ROOT}: run `smartcity upgrade`",
    )


CHECKS = [
    _debug_off,
    _secret_key,
    _allowed_hosts,
    _https,
    _database,
    _broker,
    _email,
    _migrations,
    _static_files,
]


def run_checks() -> list[Result]:
    return [check() for check in CHECKS]
