from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "smartcity.news"
    label = "news"
    verbose_name = _("Aktuelles und Veranstaltungen")

    def ready(self):
        from smartcity.core.navigation import NavItem, navigation
        from smartcity.core.registries import DemoLoader, PersonalData, demo_loaders, personal_data
        from smartcity.core.tasks import periodic
        from smartcity.news import demo, map_layer
        from smartcity.news.personal_data import erase, export

        demo_loaders.register("news", DemoLoader("news", demo.load, order=70))
        personal_data.register("news", PersonalData("news", export, erase))
        map_layer.register()
        navigation.register("news", NavItem("news", _("Aktuelles"), "news:posts", True, 60))
        navigation.register(
            "events", NavItem("events", _("Veranstaltungen"), "news:events", True, 61)
        )
        periodic(
            "news-anonymise-registrations",
            "smartcity.news.jobs.anonymise_registrations",
            "45 3 * * *",
        )
