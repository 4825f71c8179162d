from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "smartcity.reporting"
    label = "reporting"
    verbose_name = _("Sachstandsberichte")

    def ready(self):
        from smartcity.core.navigation import NavItem, navigation
        from smartcity.reporting import demo  # noqa: F401 - registers the demo loader

        navigation.register(
            "reports",
            NavItem(
                "reports", _("Sachstandsberichte"), "reporting:periods", per_city=True, order=70
            ),
        )
