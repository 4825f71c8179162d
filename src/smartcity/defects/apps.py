from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DefectsConfig(AppConfig):
    name = "smartcity.defects"
    label = "defects"
    verbose_name = _("Mängelmelder")
