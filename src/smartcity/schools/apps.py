from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "smartcity.schools"
    label = "schools"
    verbose_name = _("Intelligente Schulen")

    def ready(self):
        # Registrations (map layer, navigation, demo loader, simulator, publication) go here.
        pass
