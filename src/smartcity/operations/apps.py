from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "smartcity.operations"
    label = "operations"
    verbose_name = _("Betrieb")

    def ready(self):
        from django_q.signals import post_execute

        from smartcity.operations.retention import on_task_executed

        post_execute.connect(on_task_executed, dispatch_uid="operations-deletion-report")
