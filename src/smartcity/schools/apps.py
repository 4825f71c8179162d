from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "smartcity.schools"
    label = "schools"
    verbose_name = _("Intelligente Schulen")

    def ready(self):
        from smartcity.core.navigation import NavItem, navigation
        from smartcity.core.registries import DemoLoader, Simulator, demo_loaders, simulators
        from smartcity.schools import demo, map_layer, personal_data, publications, simulator

        demo_loaders.register("schools", DemoLoader("schools", demo.load, order=60))
        simulators.register(
            "schools",
            Simulator(
                "schools",
                "Raumklima in Klassenräumen (CO₂, Temperatur, Feuchte, Feinstaub, Lärm)",
                simulator.add_arguments,
                simulator.run,
            ),
        )
        map_layer.register()
        publications.register()
        personal_data.register()
        navigation.register(
            "schools",
            NavItem("schools", _("Schulen"), "schools:list", per_city=True, order=55),
        )
