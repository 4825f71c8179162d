from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "smartcity.reporting"
    label = "reporting"
    verbose_name = _("Sachstandsberichte")

    def ready(self):
        from smartcity.reporting import demo  # noqa: F401
