from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "smartcity.portfolio"
    label = "portfolio"
    verbose_name = _("Smart-City-Programm und Karte")

    def ready(self):
        from smartcity.core.navigation import NavItem, navigation
        from smartcity.portfolio import (  # noqa: F401
            demo,
            demo_districts,
            layers,
            personal_data,
            publications,
            signals,
        )

        layers.register()
        publications.register()
        navigation.register(
            "map", NavItem("map", _("Karte"), "portfolio:map", True, 10, "portfolio:map_all")
        )
        navigation.register(
            "projects", NavItem("projects", _("Projekte"), "portfolio:projects", True, 20)
        )
        navigation.register(
            "partners", NavItem("partners", _("Partner"), "portfolio:partners", order=30)
        )
