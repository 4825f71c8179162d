from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DefectsConfig(AppConfig):
    name = "smartcity.defects"
    label = "defects"
    verbose_name = _("Mängelmelder")

    def ready(self):
        from smartcity.core import lean
        from smartcity.core.navigation import NavItem, navigation
        from smartcity.core.registries import DemoLoader, demo_loaders
        from smartcity.defects import demo, jobs, map_layer, metrics, personal_data, publications  # noqa: F401
        from smartcity.defects.api import DUPLICATES_PATH, lean_duplicates

        demo_loaders.register("defects", DemoLoader("defects", demo.load, order=50))
        publications.register()

        # The form's duplicate hint, asked on every tap: answered before the middleware chain.
        lean.endpoints.register(
            "defects-duplicates",
            lean.LeanEndpoint(DUPLICATES_PATH, lean_duplicates, group="api-v1"),
        )
        metrics.register()
        navigation.register(
            "defects",
            NavItem("defects", _("Mängelmelder"), "defects:list", per_city=True, order=40),
        )
