"""Token writes for editors: create and change projects."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.responses import Status

from smartcity.core.api_auth import TokenAuth
from smartcity.core.models import City
from smartcity.portfolio.api.common import model_errors, router
from smartcity.portfolio.api.lists import project_queryset
from smartcity.portfolio.api.schemas import ProjectIn, ProjectOut, ProjectPatch
from smartcity.portfolio.models import ActionField, Partner, Project, ProjectPartner, Tag
from smartcity.portfolio.models.programme import unique_slug
from smartcity.portfolio.services.history import record_change

SIMPLE_FIELDS = [
    "code",
    "title",
    "summary",
    "description",
    "kind",
    "status",
    "start_date",
    "end_date",
    "budget_eur",
    "funding_source",
    "lead_department",
    "contact_name",
    "contact_email",
    "location",
]


def _require_editor(user, cities):
    if not cities or not all(user.has_perm("accounts.edit_content", city) for city in cities):
        raise HttpError(403, _("Keine Berechtigung für diese Stadt."))


def _lookup(model, slugs, name):
    found = list(model.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {item.slug for item in found})
    if missing:
        raise DjangoValidationError({name: [_("Unbekannt: %s") % ", ".join(missing)]})
    return found


def _apply(project, data: dict, user):
    for name in SIMPLE_FIELDS:
        if name in data:
            setattr(project, name, data[name])
    project.city_wide = project.location is None
    if not project.slug:
        project.slug = unique_slug(Project, project.code or project.title)
    project.full_clean(exclude=["cities", "action_fields", "tags"])
    cities = _lookup(City, data["cities"], "cities") if "cities" in data else None
    fields = (
        _lookup(ActionField, data["action_fields"], "action_fields")
        if "action_fields" in data
        else None
    )
    roles = None
    if "partners" in data:
        partners = {
            p.slug: p
            for p in _lookup(Partner, [item["partner"] for item in data["partners"]], "partners")
        }
        roles = [(partners[item["partner"]], item["role"]) for item in data["partners"]]
    project.save()
    if cities is not None:
        project.cities.set(cities)
    if fields is not None:
        project.action_fields.set(fields)
    if "tags" in data:
        tags = []
        for name in data["tags"]:
            tag, _created = Tag.objects.get_or_create(
                name=name.strip()[:60], defaults={"slug": unique_slug(Tag, name, 50)}
            )
            tags.append(tag)
        project.tags.set(tags)
    if roles is not None:
        project.partner_roles.all().delete()
        for partner, role in roles:
            ProjectPartner.objects.create(project=project, partner=partner, role=role)


@router.post(
    "/projects/",
    response={201: ProjectOut},
    auth=TokenAuth(scope="portfolio:write"),
    url_name="project_create",
    summary="Projekt anlegen (Redaktion)",
)
def create_project(request, payload: ProjectIn):
    data = payload.dict()
    _require_editor(request.user, list(City.objects.filter(slug__in=data["cities"])))
    try:
        with transaction.atomic():
            project = Project()
            _apply(project, data, request.user)
            record_change(project, request.user, _("angelegt über die API"), data.keys())
    except DjangoValidationError as error:
        raise model_errors(error) from error
    return Status(201, project_queryset().get(pk=project.pk))


@router.patch(
    "/projects/{project_id}",
    response=ProjectOut,
    auth=TokenAuth(scope="portfolio:write"),
    url_name="project_update",
    summary="Projekt ändern (Redaktion)",
)
def update_project(request, project_id: int, payload: ProjectPatch):
    project = get_object_or_404(Project, pk=project_id)
    _require_editor(request.user, list(project.cities.all()))
    data = payload.dict(exclude_unset=True)
    if "cities" in data:
        _require_editor(request.user, list(City.objects.filter(slug__in=data["cities"])))
    try:
        with transaction.atomic():
            _apply(project, data, request.user)
            record_change(project, request.user, _("geändert über die API"), data.keys())
    except DjangoValidationError as error:
        raise model_errors(error) from error
    return project_queryset().get(pk=project.pk)
