from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BridgesConfig(AppConfig):
    name = "smartcity.bridges"
    label = "bridges"
    verbose_name = _("Intelligente Brücken")

    def ready(self):
        # Registrations (map layer, navigation, demo loader, simulator, jobs) go here.
        pass
