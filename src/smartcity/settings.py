"""Django settings, built from :mod:`smartcity.config` (``SMARTCITY_*`` variables).

See docs/configuration.md for every variable.
"""

import os
import sys
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from smartcity import config as _config

try:
    CONFIG = _config.load()
except _config.ConfigError as error:
    # Stop start-up with a message naming the variable, not a traceback.
    sys.stderr.write(f"Configuration error: {error}\n")
    raise SystemExit(2) from None

PACKAGE_DIR = Path(__file__).resolve().parent
HOME = CONFIG.home
# The data folder holds the embedded database, media and cache: make sure it exists.
HOME.mkdir(parents=True, exist_ok=True)

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins

INSTALLED_APPS = [
    # Our apps first so their templates (e.g. allauth's pages) take precedence.
    "smartcity.core",
    "smartcity.accounts",
    "smartcity.portfolio",
    "smartcity.participation",
    "smartcity.reporting",
    "smartcity.sensors",
    "smartcity.bridges",
    "smartcity.schools",
    "smartcity.defects",
    "smartcity.opendata",
    "smartcity.appointments",
    "smartcity.news",
    "smartcity.operations",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "rules.apps.AutodiscoverRulesConfig",
    "ninja",
    "csp",
    "django_q",
]

MIDDLEWARE = [
    "smartcity.core.middleware.RequestIdMiddleware",
    "smartcity.operations.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "smartcity.urls"
WSGI_APPLICATION = "smartcity.wsgi.application"
ASGI_APPLICATION = "smartcity.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "smartcity.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": dict(CONFIG.database)}
if CONFIG.uses_sqlite:
    DATABASES["default"].setdefault("OPTIONS", {}).update(_config.SQLITE_OPTIONS)
else:
    # psycopg's pool shares a bounded set of connections among all threads of a process
    # (Django's advice for ASGI); CONN_MAX_AGE must be 0 with it. The server's request threads
    # keep theirs between requests (core/connections.py, SMARTCITY_DATABASE_HOLD_SECONDS).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "pool", {"min_size": 2, "max_size": CONFIG.database_pool_size, "timeout": 20}
    )
# Seconds a request thread of ``smartcity serve`` keeps its connection between requests
# (core/connections.py); 0 gives it back after every request.
SMARTCITY_DATABASE_HOLD_SECONDS = CONFIG.database_hold_seconds
# Public read endpoints registered in core.lean (the defect form's duplicate hint) are
# answered before the middleware chain; False sends them through Django like all others.
SMARTCITY_LEAN_ENDPOINTS = CONFIG.lean_endpoints
# On PostgreSQL, a lean endpoint with an async handler answers on the event loop through a
# small async psycopg pool per process (core/lean_db.py); False keeps it on the request threads.
SMARTCITY_LEAN_ASYNC_DB = CONFIG.lean_async_db
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (login rate limits, locks) ---------------------------------------------------------
if CONFIG.redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CONFIG.redis_url,
            "KEY_PREFIX": "smartcity",
        }
    }
else:
    # A file cache is shared by all processes of one machine, unlike the local-memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(HOME / "cache"),
        }
    }

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Smart City] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "smartcity.accounts.adapter.AccountAdapter"
# Rate limits (allauth, backed by the cache above): failed logins per IP and per account.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Berlin"
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = HOME / "media"
# Browser libraries installed with npm (package.json) and served by us, never from a CDN.
NODE_MODULES = Path(
    os.environ.get("SMARTCITY_NODE_MODULES", PACKAGE_DIR.parent.parent / "node_modules")
)
STATICFILES_DIRS = [
    (f"vendor/{name}", NODE_MODULES / name / "dist")
    for name in ("leaflet", "leaflet.markercluster", "chart.js")
    if (NODE_MODULES / name / "dist").is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the app folders when nothing was collected (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- E-mail ---------------------------------------------------------------------------------
vars().update(CONFIG.email)
DEFAULT_FROM_EMAIL = "Smart City Dortmund Schwerte <noreply@smartcity.example>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if CONFIG.https:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Background jobs (django-q2; jobs are rows in our own database) --------------------------
Q_CLUSTER = {
    "name": "smartcity",
    "orm": "default",
    "workers": CONFIG.workers,
    "timeout": 240,
    # A job whose worker died is handed out again after this many seconds (at-least-once).
    "retry": 300,
    # A job that raised stays queued and is tried again after ``retry`` seconds, up to
    # ``max_attempts`` times; each failure is listed in the admin under "Failed tasks".
    "max_attempts": 5,
    "ack_failures": False,
    "save_limit": 1000,
    "catch_up": False,
    "label": _("Hintergrundaufgaben"),
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "smartcity.core.middleware.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "smartcity.operations.logging.SmartcityJsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": CONFIG.log_format,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
}

# --- Platform -------------------------------------------------------------------------------
SMARTCITY_MQTT_URL = CONFIG.mqtt_url
SMARTCITY_REDIS_URL = CONFIG.redis_url
SMARTCITY_METRICS_ALLOWED_NETWORKS = CONFIG.metrics_allowed_networks
# A city's own tile server loads without asking; otherwise OpenStreetMap after consent.
SMARTCITY_MAP_TILES_URL = CONFIG.map_tiles_url
SMARTCITY_MAP_TILES_ATTRIBUTION = CONFIG.map_tiles_attribution
NINJA_PAGINATION_PER_PAGE = 50
