from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "smartcity.opendata"
    label = "opendata"
    verbose_name = _("Offene Daten")

    def ready(self):
        from smartcity.core.navigation import NavItem, navigation
        from smartcity.core.registries import DemoLoader, demo_loaders
        from smartcity.core.tasks import periodic
        from smartcity.opendata import demo, feeds

        demo_loaders.register("opendata", DemoLoader("opendata", demo.load, order=200))
        navigation.register(
            "opendata", NavItem("opendata", _("Offene Daten"), "opendata:search", order=80)
        )
        feeds.register_all()
        periodic(
            "opendata-refresh-publications",
            "smartcity.opendata.publishing.refresh_all",
            "17 * * * *",
        )
