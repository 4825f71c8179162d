from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "smartcity.news"
    label = "news"
    verbose_name = _("Aktuelles und Veranstaltungen")
