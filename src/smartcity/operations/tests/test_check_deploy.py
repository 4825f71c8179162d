from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run_check():
    out = StringIO()
    try:
        call_command("check_deploy", stdout=out)
    except CommandError as error:
        return False, out.getvalue(), str(error)
    return True, out.getvalue(), ""


def test_development_settings_fail_with_reasons(db, settings):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.SMARTCITY_MQTT_URL = None
    ok, output, error = run_check()
    assert not ok
    assert "FAIL debug" in output
    assert "FAIL allowed hosts" in output
    assert "FAIL e-mail" in output  # the tests send mail to memory
    assert "FAIL mqtt broker" in output
    assert "checks failed" in error


def test_production_settings_pass(db, settings, tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "a production configuration needs PostgreSQL; run with SMARTCITY_TEST_DATABASE_URL"
        )
    import os

    if not os.environ.get("SMARTCITY_TEST_MQTT_URL"):
        pytest.skip("a production configuration needs the MQTT broker (SMARTCITY_TEST_MQTT_URL)")
    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 25 + "Zq8-Xy_3Lm" * 3
    settings.ALLOWED_HOSTS = ["smartcity.dortmund.de"]
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SMARTCITY_MQTT_URL = os.environ["SMARTCITY_TEST_MQTT_URL"]
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text("{}")
    ok, output, _error = run_check()
    assert ok, output
    assert "FAIL" not in output
