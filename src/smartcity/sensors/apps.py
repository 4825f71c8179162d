from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SensorsConfig(AppConfig):
    name = "smartcity.sensors"
    label = "sensors"
    verbose_name = _("Sensordaten (SensorThings)")

    def ready(self):
        from django.db.backends.signals import connection_created

        from smartcity.core.registries import DemoLoader, demo_loaders
        from smartcity.core.tasks import periodic
        from smartcity.sensors import demo, map_layer, metrics, publications, signals
        from smartcity.sensors.sta.mqtt import notifier

        connection_created.connect(register_sqlite_functions)
        periodic(
            "sensors-partitions", "smartcity.sensors.partitions.ensure_partitions", "0 3 * * *"
        )
        demo_loaders.register("sensors", DemoLoader("sensors", demo.load, order=40))
        publications.register()
        metrics.register()
        map_layer.register()
        signals.connect(notifier)  # publishes only when SMARTCITY_MQTT_URL is set


def _fold(method):
    return lambda text: None if text is None else getattr(str(text), method)()


def register_sqlite_functions(sender, connection, **kwargs):
    """Unicode-aware tolower()/toupper() for $filter on SQLite (its own fold only ASCII)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("sta_lower", 1, _fold("lower"), deterministic=True)
        connection.connection.create_function("sta_upper", 1, _fold("upper"), deterministic=True)
