"""Read the platform's configuration from ``SMARTCITY_*`` environment variables once.

Every value is parsed and checked here, so a malformed value stops start-up with a
message that names the variable instead of failing later somewhere deep inside Django.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import environ

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
MIN_SECRET_KEY_LENGTH = 32

# WAL lets readers and the job worker run beside a writer; IMMEDIATE transactions take the
# write lock up front so concurrent writers wait (busy timeout) instead of failing midway.
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA busy_timeout=20000;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA cache_size=-20000;"
    ),
}


class ConfigError(Exception):
    """A configuration variable has a value we cannot use."""

    def __init__(self, variable: str, problem: str):
        self.variable = variable
        super().__init__(f"{variable}: {problem}")


def parse_bool(variable: str, raw: str | None, default: bool) -> bool:
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(variable, f"expected true or false, got {raw!r}")


def parse_int(variable: str, raw: str | None, default: int, minimum: int, maximum: int) -> int:
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(variable, f"expected a whole number, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ConfigError(variable, f"must be between {minimum} and {maximum}, got {value}")
    return value


def parse_list(raw: str | None, default: list[str]) -> list[str]:
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database_url(variable: str, raw: str) -> dict:
    scheme = urlsplit(raw).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigError(
            variable, f"unsupported database {scheme or raw!r}; use sqlite:/// or postgres://"
        )
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as error:  # the library raises several kinds for bad URLs
        raise ConfigError(variable, f"not a valid database URL ({error})") from error
    if scheme != "sqlite" and not config.get("NAME"):
        raise ConfigError(variable, "the URL names no database")
    return config


def parse_email_url(variable: str, raw: str) -> dict:
    try:
        config = environ.Env.email_url_config(raw)
    except Exception as error:
        raise ConfigError(variable, f"not a valid e-mail URL ({error})") from error
    if not config.get("EMAIL_BACKEND"):
        raise ConfigError(
            variable,
            f"unknown e-mail scheme in {raw!r}; use smtp://, smtp+tls://, consolemail:// or filemail://",
        )
    return config


def parse_service_url(variable: str, raw: str | None, schemes: set[str]) -> str | None:
    if raw is None or not raw.strip():
        return None
    parts = urlsplit(raw.strip())
    if parts.scheme not in schemes or not parts.hostname:
        wanted = " or ".join(sorted(f"{s}://" for s in schemes))
        raise ConfigError(variable, f"expected a URL starting with {wanted}, got {raw!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError for a non-numeric port
    except ValueError as error:
        raise ConfigError(variable, f"invalid port in {raw!r}") from error
    return raw.strip()


def parse_networks(variable: str, raw: str | None, default: str) -> list:
    networks = []
    for item in parse_list(raw, default.split(",")):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(variable, f"{item!r} is not an IP address or network") from None
    return networks


def parse_choice(variable: str, raw: str | None, choices: set[str], default: str) -> str:
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ConfigError(variable, f"expected one of {', '.join(sorted(choices))}, got {raw!r}")
    return value


def parse_tiles_url(raw: str | None) -> str:
    """A city's own tile server, e.g. ``https://tiles.dortmund.de/{z}/{x}/{y}.png``."""
    if raw is None or not raw.strip():
        return ""
    url = raw.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError("SMARTCITY_MAP_TILES_URL", f"expected an http(s) URL, got {raw!r}")
    if not all(part in url for part in ("{z}", "{x}", "{y}")):
        raise ConfigError("SMARTCITY_MAP_TILES_URL", "must contain {z}, {x} and {y}")
    return url


def load_secret_key(home: Path, raw: str | None) -> str:
    """Use the given key, or one generated once and kept in the data folder."""
    if raw is not None:
        if len(raw) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                "SMARTCITY_SECRET_KEY",
                f"must be at least {MIN_SECRET_KEY_LENGTH} characters long",
            )
        return raw
    key_file = home / SECRET_KEY_FILE
    if key_file.exists():
        return key_file.read_text().strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Written with owner-only permissions: the key signs sessions and tokens.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


@dataclass(frozen=True)
class Config:
    home: Path
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    database: dict
    email: dict
    mqtt_url: str | None
    redis_url: str | None
    https: bool = True
    workers: int = 2
    log_format: str = "json"
    database_pool_size: int = 10
    database_hold_seconds: int = 60
    lean_endpoints: bool = True
    lean_async_db: bool = True
    map_tiles_url: str = ""
    map_tiles_attribution: str = ""
    metrics_allowed_networks: list = field(default_factory=list)
    csrf_trusted_origins: list[str] = field(default_factory=list)

    @property
    def uses_sqlite(self) -> bool:
        return self.database["ENGINE"].endswith("sqlite3")


def load(env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    home = Path(env.get("SMARTCITY_HOME") or "var").expanduser().resolve()
    debug = parse_bool("SMARTCITY_DEBUG", env.get("SMARTCITY_DEBUG"), default=False)

    database_url = env.get("SMARTCITY_DATABASE_URL") or f"sqlite:///{home / 'smartcity.sqlite3'}"
    email_url = env.get("SMARTCITY_EMAIL_URL") or "consolemail://"

    return Config(
        home=home,
        debug=debug,
        https=parse_bool("SMARTCITY_HTTPS", env.get("SMARTCITY_HTTPS"), default=not debug),
        workers=parse_int("SMARTCITY_WORKERS", env.get("SMARTCITY_WORKERS"), 2, 1, 64),
        database_pool_size=parse_int(
            "SMARTCITY_DATABASE_POOL_SIZE", env.get("SMARTCITY_DATABASE_POOL_SIZE"), 10, 1, 200
        ),
        database_hold_seconds=parse_int(
            "SMARTCITY_DATABASE_HOLD_SECONDS",
            env.get("SMARTCITY_DATABASE_HOLD_SECONDS"),
            60,
            0,
            86400,
        ),
        lean_endpoints=parse_bool(
            "SMARTCITY_LEAN_ENDPOINTS", env.get("SMARTCITY_LEAN_ENDPOINTS"), default=True
        ),
        lean_async_db=parse_bool(
            "SMARTCITY_LEAN_ASYNC_DB", env.get("SMARTCITY_LEAN_ASYNC_DB"), default=True
        ),
        map_tiles_url=parse_tiles_url(env.get("SMARTCITY_MAP_TILES_URL")),
        map_tiles_attribution=(env.get("SMARTCITY_MAP_TILES_ATTRIBUTION") or "").strip(),
        log_format=parse_choice(
            "SMARTCITY_LOG_FORMAT",
            env.get("SMARTCITY_LOG_FORMAT"),
            {"json", "plain"},
            "plain" if debug else "json",
        ),
        metrics_allowed_networks=parse_networks(
            "SMARTCITY_METRICS_ALLOWED_NETWORKS",
            env.get("SMARTCITY_METRICS_ALLOWED_NETWORKS"),
            "127.0.0.1/32,::1/128",
        ),
        secret_key=load_secret_key(home, env.get("SMARTCITY_SECRET_KEY")),
        allowed_hosts=parse_list(
            env.get("SMARTCITY_ALLOWED_HOSTS"), default=["localhost", "127.0.0.1", "[::1]"]
        ),
        csrf_trusted_origins=parse_list(env.get("SMARTCITY_CSRF_TRUSTED_ORIGINS"), default=[]),
        database=parse_database_url("SMARTCITY_DATABASE_URL", database_url),
        email=parse_email_url("SMARTCITY_EMAIL_URL", email_url),
        mqtt_url=parse_service_url(
            "SMARTCITY_MQTT_URL", env.get("SMARTCITY_MQTT_URL"), {"mqtt", "mqtts"}
        ),
        redis_url=parse_service_url(
            "SMARTCITY_REDIS_URL", env.get("SMARTCITY_REDIS_URL"), {"redis", "rediss"}
        ),
    )
