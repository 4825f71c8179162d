"""Keep derived fields and the map index current, whichever door a change came through."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from smartcity.core.models import City, District
from smartcity.portfolio.models import (
    ActionField,
    Partner,
    Place,
    Project,
    ProjectPartner,
)
from smartcity.portfolio.services import mapindex, maplookups


def _refresh(project_id):
    mapindex.refresh_project(project_id)


@receiver(post_save, sender=Project)
def project_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh(instance.pk)


@receiver(post_delete, sender=Project)
def project_deleted(sender, instance, **kwargs):
    mapindex.remove(mapindex.PROJECT_LAYER_NAMES, instance.pk)


def _relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Project):
        _refresh(instance.pk)
    elif pk_set:
        for project_id in pk_set:
            _refresh(project_id)


for through in (Project.cities.through, Project.action_fields.through, Project.tags.through):
    m2m_changed.connect(_relations_changed, sender=through, dispatch_uid=f"portfolio-{through}")


@receiver(post_save, sender=ProjectPartner)
@receiver(post_delete, sender=ProjectPartner)
def partner_role_changed(sender, instance, raw=False, **kwargs):
    if not raw and Project.objects.filter(pk=instance.project_id).exists():
        _refresh(instance.project_id)


@receiver(post_save, sender=ActionField)
def action_field_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        for project_id in instance.projects.values_list("pk", flat=True):
            _refresh(project_id)


@receiver(post_save, sender=Partner)
def partner_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        for project_id in instance.project_roles.values_list("project_id", flat=True):
            _refresh(project_id)


@receiver(post_save, sender=Place)
def place_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        mapindex.refresh_place(instance.pk)


@receiver(post_delete, sender=Place)
def place_deleted(sender, instance, **kwargs):
    mapindex.remove(mapindex.PLACE_LAYERS.values(), instance.pk)


def _lookups_changed(sender, **kwargs):
    """What the map's filters are checked against changed (also on ``raw`` saves: fixtures)."""
    maplookups.changed()


for model in (City, District, ActionField, Partner):
    for signal in (post_save, post_delete):
        signal.connect(_lookups_changed, sender=model, dispatch_uid=f"portfolio-lookups-{model}")
