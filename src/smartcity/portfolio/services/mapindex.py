"""Keeps ``MapEntry`` rows in step with published projects and places."""

import orjson
from django.db import transaction
from django.urls import reverse

from smartcity.portfolio import geo, search
from smartcity.portfolio.models import (
    MapEntry,
    Place,
    PlaceKind,
    Project,
    ProjectKind,
    Review,
)

PROJECT_LAYERS = {
    ProjectKind.CITY: "projects",
    ProjectKind.RESEARCH: "projects",
    ProjectKind.PARTNER_PILOT: "pilots",
}
PLACE_LAYERS = {
    PlaceKind.COMPETENCE_CENTRE: "competence-centres",
    PlaceKind.RESEARCH: "research-institutions",
    PlaceKind.NEIGHBOURHOOD: "neighbourhood-facilities",
}
PROJECT_LAYER_NAMES = ("projects", "pilots")


def _members(slugs) -> str:
    return "|" + "".join(f"{slug}|" for slug in slugs)


def project_url(project, city_slug: str | None) -> str:
    if city_slug:
        return reverse("portfolio:project", kwargs={"city": city_slug, "key": project.slug})
    return reverse("portfolio:project_any", kwargs={"key": project.slug})


def _entry_values(layer, obj, city_slugs, url, properties, location, extra):
    box = geo.bounds(location)
    feature = {
        "type": "Feature",
        "id": f"{layer}:{obj.pk}",
        "geometry": location,
        "properties": {"id": obj.pk, "layer": layer, "url": url, **properties},
    }
    return {
        "layer": layer,
        "object_id": obj.pk,
        "title": properties["title"][:200],
        "cities": _members(city_slugs),
        "min_lon": box[0] if box else None,
        "min_lat": box[1] if box else None,
        "max_lon": box[2] if box else None,
        "max_lat": box[3] if box else None,
        "feature": orjson.dumps(feature).decode(),
        **extra,
    }


def project_entry(project) -> dict | None:
    """The MapEntry field values for a project (prefetched relations are used)."""
    if project.review != Review.PUBLISHED:
        return None
    city_slugs = [city.slug for city in project.cities.all()]
    fields = sorted(project.action_fields.all(), key=lambda field: (field.order, field.pk))
    partners = [role.partner.slug for role in project.partner_roles.all()]
    layer = PROJECT_LAYERS[project.kind]
    district = project.district
    properties = {
        "title": project.title,
        "code": project.code,
        "summary": project.summary[:300],
        "kind": project.kind,
        "status": project.status,
        "status_label": str(project.get_status_display()),
        "action_field": fields[0].slug if fields else None,
        "action_fields": [field.slug for field in fields],
        "colour": fields[0].colour if fields else "#00568f",
        "cities": city_slugs,
        "district": district.slug if district else None,
        "district_name": district.name if district else None,
        "city_wide": project.city_wide or project.location is None,
    }
    url = project_url(project, city_slugs[0] if city_slugs else None)
    extra = {
        "action_fields": _members(properties["action_fields"]),
        "partners": _members(partners),
        "kind": project.kind,
        "status": project.status,
        "district": properties["district"] or "",
        "search_text": project.search_text,
    }
    return _entry_values(layer, project, city_slugs, url, properties, project.location, extra)


def place_entry(place) -> dict:
    layer = PLACE_LAYERS[place.kind]
    district = place.district
    properties = {
        "title": place.name,
        "summary": place.description[:300],
        "kind": place.kind,
        "status": None,
        "action_field": None,
        "colour": "#5c2d91",
        "cities": [place.city.slug],
        "district": district.slug if district else None,
        "district_name": district.name if district else None,
        "city_wide": False,
        "address": place.address,
    }
    url = reverse("portfolio:place", kwargs={"city": place.city.slug, "slug": place.slug})
    operator = [place.operator.slug] if place.operator_id else []
    extra = {
        "partners": _members(operator),
        "kind": place.kind,
        "district": properties["district"] or "",
        "search_text": place.search_text,
    }
    return _entry_values(layer, place, [place.city.slug], url, properties, place.location, extra)


def project_queryset():
    return Project.objects.select_related("district").prefetch_related(
        "cities", "action_fields", "partner_roles__partner", "tags"
    )


def place_queryset():
    return Place.objects.select_related("district", "city", "operator")


def project_search_text(project) -> str:
    return search.normalise(
        project.code,
        project.title,
        project.summary,
        project.lead_department,
        " ".join(tag.name for tag in project.tags.all()),
        " ".join(role.partner.name for role in project.partner_roles.all()),
    )


@transaction.atomic
def refresh_project(project_id: int) -> None:
    """Recompute derived fields (search text, district) and the map entry of one project."""
    project = project_queryset().filter(pk=project_id).first()
    MapEntry.objects.filter(layer__in=PROJECT_LAYER_NAMES, object_id=project_id).delete()
    if project is None:
        return
    district = geo.derive_district(list(project.cities.all()), project.location)
    project.search_text = project_search_text(project)
    project.district = district
    Project.objects.filter(pk=project.pk).update(search_text=project.search_text, district=district)
    values = project_entry(project)
    if values:
        MapEntry.objects.create(**values)


@transaction.atomic
def refresh_place(place_id: int) -> None:
    place = place_queryset().filter(pk=place_id).first()
    MapEntry.objects.filter(layer__in=PLACE_LAYERS.values(), object_id=place_id).delete()
    if place is None:
        return
    place.search_text = search.normalise(place.name, place.description, place.address)
    place.district = geo.derive_district([place.city], place.location)
    Place.objects.filter(pk=place.pk).update(search_text=place.search_text, district=place.district)
    MapEntry.objects.create(**place_entry(place))


@transaction.atomic
def rebuild_all(batch_size: int = 2000) -> int:
    """Rebuild the whole index (after imports or bulk changes); returns the entry count."""
    MapEntry.objects.all().delete()
    entries = []
    for project in project_queryset().published().iterator(chunk_size=batch_size):
        project.search_text = project_search_text(project)
        values = project_entry(project)
        entries.append(MapEntry(**values))
    for place in place_queryset().iterator(chunk_size=batch_size):
        entries.append(MapEntry(**place_entry(place)))
    MapEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)
