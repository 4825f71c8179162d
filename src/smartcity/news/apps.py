from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "smartcity.news"
    label = "news"
    verbose_name = _("Aktuelles und Veranstaltungen")

    def ready(self):
        from smartcity.core.registries import DemoLoader, PersonalData, demo_loaders, personal_data
        from smartcity.core.tasks import periodic
        from smartcity.news import demo, map_layer
        from smartcity.news.personal_data import erase, export

        demo_loaders.register("news", DemoLoader("news", demo.load, order=70))
        personal_data.register("news", PersonalData("news", export, erase))
        map_layer.register()
        periodic(
            "news-anonymise-registrations",
            "smartcity.news.jobs.anonymise_registrations",
            "45 3 * * *",
        )
