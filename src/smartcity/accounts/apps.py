from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "smartcity.accounts"
    label = "accounts"
    verbose_name = _("Konten und Rollen")

    def ready(self):
        from smartcity.accounts import demo, jobs, personal_data  # noqa: F401  (registration)
