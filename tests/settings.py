"""Settings for the test suite: the app's own settings, pointed at the test services.

SQLite unless ``SMARTCITY_TEST_DATABASE_URL`` names another database; Redis and MQTT only when
``SMARTCITY_TEST_REDIS_URL`` / ``SMARTCITY_TEST_MQTT_URL`` are set. A configured service that
cannot be reached fails the tests that use it.
"""

import os
import tempfile

TEST_SERVICES = {
    "SMARTCITY_TEST_DATABASE_URL": "SMARTCITY_DATABASE_URL",
    "SMARTCITY_TEST_REDIS_URL": "SMARTCITY_REDIS_URL",
    "SMARTCITY_TEST_MQTT_URL": "SMARTCITY_MQTT_URL",
}
for test_variable, variable in TEST_SERVICES.items():
    if os.environ.get(test_variable):
        os.environ[variable] = os.environ[test_variable]
    else:
        os.environ.pop(variable, None)
os.environ["SMARTCITY_HOME"] = tempfile.mkdtemp(prefix="smartcity-test-")
os.environ["SMARTCITY_SECRET_KEY"] = "test-secret-key-" + "x" * 40
os.environ["SMARTCITY_DEBUG"] = "false"
os.environ["SMARTCITY_HTTPS"] = "false"
os.environ["SMARTCITY_EMAIL_URL"] = "consolemail://"

from smartcity.settings import *  # noqa: E402,F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# pytest-django's test runner creates ``test_<name>``; parallel workers get their own.
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405 - WhiteNoise warns about a missing folder
# The sensors map layer is cached for a minute in production; tests want every new value
# (sensors/tests/test_map_layer.py switches the cache on for its own test).
SENSORS_MAP_CACHE_SECONDS = 0
