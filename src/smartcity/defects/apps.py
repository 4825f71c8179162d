from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DefectsConfig(AppConfig):
    name = "smartcity.defects"
    label = "defects"
    verbose_name = _("Mängelmelder")

    def ready(self):
        from smartcity.core import lean, lean_db
        from smartcity.core.navigation import NavItem, navigation
        from smartcity.core.registries import DemoLoader, demo_loaders
        from smartcity.defects import demo, jobs, map_layer, metrics, personal_data, publications  # noqa: F401
        from smartcity.defects.api import DUPLICATES_PATH, lean_duplicates, lean_duplicates_async

        demo_loaders.register("defects", DemoLoader("defects", demo.load, order=50))
        publications.register()

        # The form's duplicate hint, asked on every tap: answered before the middleware chain,
        # on PostgreSQL on the event loop (core.lean_db), else on a request thread.
        lean.endpoints.register(
            "defects-duplicates",
            lean.LeanEndpoint(
                DUPLICATES_PATH,
                lean_duplicates,
                group="api-v1",
                async_handler=lean_duplicates_async,
                async_when=lean_db.enabled,
            ),
        )
        metrics.register()
        navigation.register(
            "defects",
            NavItem("defects", _("Mängelmelder"), "defects:list", per_city=True, order=40),
        )
