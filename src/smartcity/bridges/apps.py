from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BridgesConfig(AppConfig):
    name = "smartcity.bridges"
    label = "bridges"
    verbose_name = _("Intelligente Brücken")

    def ready(self):
        from smartcity.bridges import demo, map_layer, personal_data, publications, rules  # noqa: F401
        from smartcity.bridges.simulator import command
        from smartcity.core.navigation import NavItem, navigation
        from smartcity.core.registries import DemoLoader, Simulator, demo_loaders, simulators
        from smartcity.core.tasks import periodic

        simulators.register(
            "bridges",
            Simulator("bridges", command.HELP, command.add_arguments, command.run),
        )
        demo_loaders.register("bridges", DemoLoader("bridges", demo.load, order=70))
        map_layer.register()
        publications.register()
        personal_data.register()
        navigation.register(
            "bridges",
            NavItem("bridges", _("Brücken"), "bridges:list", per_city=True, order=57),
        )
        periodic("bridges-analysis", "smartcity.bridges.jobs.analyse_all", "*/10 * * * *")
