"""Project, partner, expert team, action field and place pages."""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from smartcity.core.models import City
from smartcity.core.registries import render_sections
from smartcity.portfolio import tiles
from smartcity.portfolio.models import (
    ActionField,
    ExpertTeam,
    Partner,
    PartnerKind,
    Place,
    Project,
    Review,
)


def can_edit(user, project) -> bool:
    return any(user.has_perm("accounts.edit_content", city) for city in project.cities.all())


def visible_project(request, key) -> Project:
    projects = Project.objects.prefetch_related("cities", "action_fields", "tags")
    lookup = Q(slug=key) | (Q(pk=int(key)) if key.isdigit() else Q())
    project = projects.filter(lookup).first()
    if project is None:
        raise Http404
    if project.review != Review.PUBLISHED:
        user = request.user
        if not user.is_authenticated or not (
            project.submitted_by_id == user.pk or user.is_superuser or can_edit(user, project)
        ):
            raise Http404
    return project


def _indicator_data(project):
    indicators = []
    for indicator in project.indicators.prefetch_related("values"):
        values = list(indicator.values.all())
        indicators.append(
            {
                "indicator": indicator,
                "values": values,
                "chart_id": f"indicator-data-{indicator.pk}",
                "chart": {
                    "label": str(indicator),
                    "labels": [value.date.isoformat() for value in values],
                    "values": [value.value for value in values],
                    "target": indicator.target,
                },
            }
        )
    return indicators


def project_detail(request, city, key):
    city_obj = get_object_or_404(City, slug=city)
    project = visible_project(request, key)
    if city_obj not in project.cities.all():
        raise Http404
    action_field_ids = [field.pk for field in project.action_fields.all()]
    related = (
        Project.objects.published()
        .filter(action_fields__in=action_field_ids)
        .exclude(pk=project.pk)
        .distinct()[:6]
    )
    response = render(
        request,
        "portfolio/project_detail.html",
        {
            "city": city_obj,
            "current_city": city_obj,
            "project": project,
            "partner_roles": project.partner_roles.select_related("partner"),
            "milestones": project.milestones.all(),
            "indicators": _indicator_data(project),
            "images": project.images.all(),
            "links": project.links.all(),
            "changes": project.changes.all()[:10],
            "related": related,
            "expert_teams": project.expert_teams.all(),
            # Sections other capabilities add (participation: comments, rating).
            "sections": render_sections("portfolio.project", request, project, city_obj),
            "map_config": {
                "geometry": project.location,
                "tiles": tiles.tile_config(),
                "center": [city_obj.latitude or 51.5, city_obj.longitude or 7.46],
            },
            "can_edit": request.user.is_authenticated and can_edit(request.user, project),
        },
    )
    return tiles.allow_tiles(response)


def project_any(request, key):
    project = visible_project(request, key)
    city = project.cities.first()
    if city is None:
        raise Http404
    return redirect("portfolio:project", city=city.slug, key=project.slug)


def project_list(request, city):
    city_obj = get_object_or_404(City, slug=city)
    fields = ActionField.objects.filter(projects__cities=city_obj).distinct()
    projects = (
        Project.objects.published()
        .filter(cities=city_obj)
        .prefetch_related("action_fields")
        .select_related("district")
    )
    return render(
        request,
        "portfolio/project_list.html",
        {"city": city_obj, "current_city": city_obj, "projects": projects, "fields": fields},
    )


def partner_list(request):
    kind = request.GET.get("art", "")
    partners = Partner.objects.annotate(
        project_count=Count("project_roles", filter=Q(project_roles__project__review="published"))
    )
    if kind in PartnerKind.values:
        partners = partners.filter(kind=kind)
    return render(
        request,
        "portfolio/partner_list.html",
        {"partners": partners, "kinds": PartnerKind.choices, "kind": kind},
    )


def partner_detail(request, slug):
    partner = get_object_or_404(Partner, slug=slug)
    roles = (
        partner.project_roles.filter(project__review=Review.PUBLISHED)
        .select_related("project")
        .prefetch_related("project__cities")
    )
    return render(
        request,
        "portfolio/partner_detail.html",
        {
            "partner": partner,
            "roles": roles,
            "expert_teams": partner.expert_teams.all(),
            "places": partner.places.select_related("city"),
        },
    )


def action_field_list(request):
    fields = ActionField.objects.annotate(
        project_count=Count("projects", filter=Q(projects__review="published"))
    ).select_related("strategy")
    return render(request, "portfolio/action_field_list.html", {"fields": fields})


def action_field_detail(request, slug):
    field = get_object_or_404(ActionField, slug=slug)
    projects = field.projects.published().prefetch_related("cities")
    return render(
        request,
        "portfolio/action_field_detail.html",
        {"field": field, "projects": projects, "expert_teams": field.expert_teams.all()},
    )


def expert_team_list(request):
    return render(request, "portfolio/expert_team_list.html", {"teams": ExpertTeam.objects.all()})


def expert_team_detail(request, slug):
    team = get_object_or_404(ExpertTeam, slug=slug)
    return render(
        request,
        "portfolio/expert_team_detail.html",
        {
            "team": team,
            "members": team.members.all(),
            "projects": team.projects.published().prefetch_related("cities"),
        },
    )


def place_detail(request, city, slug):
    place = get_object_or_404(
        Place.objects.select_related("city", "district"), slug=slug, city__slug=city
    )
    response = render(
        request,
        "portfolio/place_detail.html",
        {
            "place": place,
            "city": place.city,
            "current_city": place.city,
            "map_config": {
                "geometry": place.location,
                "tiles": tiles.tile_config(),
                "center": [51.5, 7.46],
            },
        },
    )
    return tiles.allow_tiles(response)
