from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BridgesConfig(AppConfig):
    name = "smartcity.bridges"
    label = "bridges"
    verbose_name = _("Intelligente Brücken")

    def ready(self):
        from smartcity.bridges.simulator import command
        from smartcity.core.registries import Simulator, simulators
        from smartcity.core.tasks import periodic

        simulators.register(
            "bridges",
            Simulator("bridges", command.HELP, command.add_arguments, command.run),
        )
        periodic("bridges-analysis", "smartcity.bridges.jobs.analyse_all", "*/10 * * * *")
