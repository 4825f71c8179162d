"""Read endpoints: action fields, projects, partners, places (paged, filtered)."""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja.pagination import paginate

from smartcity.core import search
from smartcity.core.models import City, District
from smartcity.portfolio.api.common import StrictPage, field_errors, router
from smartcity.portfolio.api.schemas import ActionFieldOut, PartnerOut, PlaceOut, ProjectOut
from smartcity.portfolio.models import (
    ActionField,
    Indicator,
    Partner,
    PartnerKind,
    Place,
    PlaceKind,
    Project,
    ProjectKind,
    ProjectPartner,
    ProjectStatus,
)


def _check(errors):
    if errors:
        raise field_errors(errors)


def _city(slug, errors):
    if not slug:
        return None
    city = City.objects.filter(slug=slug).first()
    if city is None:
        errors["city"] = [_("Unbekannte Stadt.")]
    return city


def _choice(name, value, choices, errors):
    if value and value not in choices:
        errors[name] = [_("Unbekannter Wert; erlaubt: %s") % ", ".join(choices)]


def project_queryset():
    return (
        Project.objects.published()
        .select_related("district")
        .prefetch_related(
            "cities",
            "action_fields",
            "tags",
            "milestones",
            Prefetch("partner_roles", ProjectPartner.objects.select_related("partner")),
            Prefetch("indicators", Indicator.objects.prefetch_related("values")),
        )
    )


@router.get(
    "/action-fields/",
    response=list[ActionFieldOut],
    url_name="action_fields",
    summary="Handlungsfelder",
)
@paginate(StrictPage)
def action_fields(request, strategy: str | None = None):
    fields = ActionField.objects.select_related("strategy")
    if strategy:
        fields = fields.filter(strategy__slug=strategy)
    return fields


@router.get("/projects/", response=list[ProjectOut], url_name="projects", summary="Projekte")
@paginate(StrictPage)
def projects(
    request,
    city: str | None = None,
    action_field: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    district: str | None = None,
    partner: str | None = None,
    q: str | None = None,
):
    """Published projects; filters combine with AND. ``q`` searches German-aware."""
    errors: dict[str, list[str]] = {}
    city_obj = _city(city, errors)
    _choice("kind", kind, ProjectKind.values, errors)
    _choice("status", status, ProjectStatus.values, errors)
    if action_field and not ActionField.objects.filter(slug=action_field).exists():
        errors["action_field"] = [_("Unbekanntes Handlungsfeld.")]
    if partner and not Partner.objects.filter(slug=partner).exists():
        errors["partner"] = [_("Unbekannte Partnerorganisation.")]
    districts = District.objects.filter(slug=district)
    if city_obj:
        districts = districts.filter(city=city_obj)
    if district and not districts.exists():
        errors["district"] = [_("Unbekannter Stadtbezirk.")]
    if q and len(q) > 200:
        errors["q"] = [_("Höchstens 200 Zeichen.")]
    _check(errors)
    found = project_queryset()
    if city_obj:
        found = found.filter(cities=city_obj)
    if action_field:
        found = found.filter(action_fields__slug=action_field)
    if kind:
        found = found.filter(kind=kind)
    if status:
        found = found.filter(status=status)
    if district:
        found = found.filter(district__in=districts)
    if partner:
        found = found.filter(partner_roles__partner__slug=partner)
    for term in search.query_terms(q or ""):
        found = found.filter(search_text__contains=term)
    return found.distinct().order_by("code", "title", "pk")


@router.get(
    "/projects/{project_id}", response=ProjectOut, url_name="project", summary="Ein Projekt"
)
def project(request, project_id: int):
    return get_object_or_404(project_queryset(), pk=project_id)


@router.get(
    "/partners/", response=list[PartnerOut], url_name="partners", summary="Partnerorganisationen"
)
@paginate(StrictPage)
def partners(
    request, kind: str | None = None, expert_team: str | None = None, q: str | None = None
):
    errors: dict[str, list[str]] = {}
    _choice("kind", kind, PartnerKind.values, errors)
    _check(errors)
    found = Partner.objects.prefetch_related("expert_teams", "project_roles__project")
    if kind:
        found = found.filter(kind=kind)
    if expert_team:
        found = found.filter(expert_teams__slug=expert_team)
    if q:
        found = found.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return found.order_by("name")


@router.get(
    "/partners/{slug}", response=PartnerOut, url_name="partner", summary="Eine Partnerorganisation"
)
def partner(request, slug: str):
    return get_object_or_404(
        Partner.objects.prefetch_related("expert_teams", "project_roles__project"), slug=slug
    )


@router.get("/places/", response=list[PlaceOut], url_name="places", summary="Orte")
@paginate(StrictPage)
def places(
    request,
    city: str | None = None,
    kind: str | None = None,
    district: str | None = None,
    q: str | None = None,
):
    errors: dict[str, list[str]] = {}
    city_obj = _city(city, errors)
    _choice("kind", kind, PlaceKind.values, errors)
    if district and not District.objects.filter(slug=district).exists():
        errors["district"] = [_("Unbekannter Stadtbezirk.")]
    _check(errors)
    found = Place.objects.select_related("city", "district")
    if city_obj:
        found = found.filter(city=city_obj)
    if kind:
        found = found.filter(kind=kind)
    if district:
        found = found.filter(district__slug=district)
    for term in search.query_terms(q or ""):
        found = found.filter(search_text__contains=term)
    return found.order_by("city", "name")
