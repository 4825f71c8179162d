"""System checks of the platform's configuration (``smartcity check --deploy``)."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def check_production_settings(app_configs, **kwargs):
    problems = []
    if settings.DEBUG:
        problems.append(Warning("SMARTCITY_DEBUG is on.", id="smartcity.W001"))
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append(
            Warning(
                "The embedded SQLite database is in use.",
                hint="Set SMARTCITY_DATABASE_URL=postgres://… for production.",
                id="smartcity.W002",
            )
        )
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        problems.append(
            Warning(
                "E-mails are printed, not sent.",
                hint="Set SMARTCITY_EMAIL_URL=smtp://…",
                id="smartcity.W003",
            )
        )
    return problems
