from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SensorsConfig(AppConfig):
    name = "smartcity.sensors"
    label = "sensors"
    verbose_name = _("Sensordaten (SensorThings)")
