from django.apps import apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate, sender=apps.get_app_config("core"))
def declare_schedules(sender, **kwargs):
    from smartcity.core.tasks import sync_schedules

    sync_schedules()
