import subprocess
import sys

import pytest

from smartcity import config
from smartcity.config import ConfigError


@pytest.fixture
def home(tmp_path):
    return {"SMARTCITY_HOME": str(tmp_path)}


def test_defaults_use_sqlite_in_the_data_folder_and_keep_a_generated_secret(home, tmp_path):
    loaded = config.load(home)
    assert loaded.uses_sqlite
    assert loaded.database["NAME"] == str(tmp_path / "smartcity.sqlite3")
    assert loaded.debug is False
    assert loaded.https is True
    assert loaded.lean_endpoints is True
    assert loaded.lean_async_db is True
    assert len(loaded.secret_key) >= 50
    # The same key comes back on the next start, from the data folder.
    assert config.load(home).secret_key == loaded.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_url_and_services_are_parsed(home):
    loaded = config.load(
        {
            **home,
            "SMARTCITY_DATABASE_URL": "postgres://city:pw@db.example:5433/smartcity",
            "SMARTCITY_DEBUG": "yes",
            "SMARTCITY_ALLOWED_HOSTS": "smartcity.dortmund.de, www.smartcity.dortmund.de",
            "SMARTCITY_MQTT_URL": "mqtt://broker:1883",
            "SMARTCITY_REDIS_URL": "redis://127.0.0.1:6379/2",
            "SMARTCITY_EMAIL_URL": "smtp+tls://user:secret@mail.example:587",
            "SMARTCITY_WORKERS": "4",
            "SMARTCITY_LEAN_ENDPOINTS": "false",
            "SMARTCITY_LEAN_ASYNC_DB": "no",
        }
    )
    assert loaded.database["ENGINE"] == "django.db.backends.postgresql"
    assert (loaded.database["HOST"], loaded.database["PORT"]) == ("db.example", 5433)
    assert loaded.database["NAME"] == "smartcity"
    assert loaded.debug is True
    assert loaded.https is False  # follows DEBUG unless set
    assert loaded.allowed_hosts == ["smartcity.dortmund.de", "www.smartcity.dortmund.de"]
    assert loaded.mqtt_url == "mqtt://broker:1883"
    assert loaded.redis_url == "redis://127.0.0.1:6379/2"
    assert loaded.email["EMAIL_HOST"] == "mail.example"
    assert loaded.email["EMAIL_USE_TLS"] is True
    assert loaded.workers == 4
    assert loaded.lean_endpoints is False
    assert loaded.lean_async_db is False


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SMARTCITY_DEBUG", "maybe"),
        ("SMARTCITY_HTTPS", "2"),
        ("SMARTCITY_DATABASE_URL", "mysql://localhost/city"),
        ("SMARTCITY_DATABASE_URL", "postgres://localhost"),
        ("SMARTCITY_MQTT_URL", "http://broker"),
        ("SMARTCITY_MQTT_URL", "mqtt://broker:port"),
        ("SMARTCITY_REDIS_URL", "localhost:6379"),
        ("SMARTCITY_EMAIL_URL", "pigeon://loft"),
        ("SMARTCITY_SECRET_KEY", "too-short"),
        ("SMARTCITY_WORKERS", "many"),
        ("SMARTCITY_WORKERS", "0"),
        ("SMARTCITY_LEAN_ENDPOINTS", "perhaps"),
        ("SMARTCITY_LEAN_ASYNC_DB", "perhaps"),
    ],
)
def test_malformed_values_name_the_variable(home, variable, value):
    with pytest.raises(ConfigError) as raised:
        config.load({**home, variable: value})
    assert raised.value.variable == variable
    assert str(raised.value).startswith(f"{variable}: ")


def test_start_up_stops_with_a_message_naming_the_variable(tmp_path):
    env = {"SMARTCITY_HOME": str(tmp_path), "SMARTCITY_DEBUG": "perhaps", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "smartcity", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SMARTCITY_DEBUG" in result.stderr
    assert "Traceback" not in result.stderr


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path, django_db_blocker):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    loaded = config.load({"SMARTCITY_HOME": str(tmp_path)})
    settings_dict = {
        **loaded.database,
        "OPTIONS": config.SQLITE_OPTIONS,
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
    }
    wrapper = DatabaseWrapper(settings_dict)
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20000
    finally:
        wrapper.close()
