from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "smartcity.portfolio"
    label = "portfolio"
    verbose_name = _("Smart-City-Programm und Karte")

    def ready(self):
        from smartcity.portfolio import demo, layers, personal_data, signals  # noqa: F401

        layers.register()
