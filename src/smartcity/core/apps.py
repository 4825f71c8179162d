from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "smartcity.core"
    label = "core"
    verbose_name = _("Städte und Plattform")

    def ready(self):
        from smartcity.core import checks, signals, tasks  # noqa: F401  (registration)
