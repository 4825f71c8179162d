"""Signal receivers of the participation app (connected in ``apps.ready``)."""

from django.db.models.signals import post_delete, post_save

from smartcity.participation.models import Idea
from smartcity.participation.services import mapideas


def _ideas_changed(sender, **kwargs):
    """An idea was saved or deleted (also ``raw`` saves: fixtures): which cities have ideas
    on the map may have changed (status, location, city)."""
    mapideas.changed()


post_save.connect(_ideas_changed, sender=Idea, dispatch_uid="participation-map-ideas-saved")
post_delete.connect(_ideas_changed, sender=Idea, dispatch_uid="participation-map-ideas-deleted")
