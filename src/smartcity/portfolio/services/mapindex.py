"""Keeps ``MapEntry`` rows in step with published projects and places."""

import itertools
from collections import defaultdict

import orjson
from django.db import connection, transaction
from django.urls import reverse

from smartcity.core import search
from smartcity.core.models import City, District
from smartcity.portfolio import geo
from smartcity.portfolio.models import (
    ActionField,
    MapEntry,
    MapEntryKey,
    MapFragment,
    Place,
    PlaceKind,
    Project,
    ProjectKind,
    ProjectPartner,
    ProjectStatus,
    Review,
)
from smartcity.portfolio.services import mapfragments

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


def _keys(city_slugs, action_fields=(), partners=()) -> list[str]:
    """The entry's indexed filter keys (see ``MapEntryKey``): each also per city, so a
    city's view filtered by action field or partner needs one key, not two."""
    keys = [f"field:{slug}" for slug in action_fields] + [f"partner:{slug}" for slug in partners]
    return (
        [f"city:{slug}" for slug in city_slugs]
        + keys
        + [f"{city}/{key}" for city in city_slugs for key in keys]
    )


def save_entries(values_list) -> int:
    """Store entries (field values plus ``keys``) and their keys with two bulk inserts."""
    entries, keys = [], []
    for values in values_list:
        values = dict(values)
        keys.append(values.pop("keys"))
        entries.append(MapEntry(**values))
    MapEntry.objects.bulk_create(entries, batch_size=2000)
    MapEntryKey.objects.bulk_create(
        [
            MapEntryKey(
                entry_id=entry.pk,
                key=key,
                min_lon=entry.min_lon,
                min_lat=entry.min_lat,
                max_lon=entry.max_lon,
                max_lat=entry.max_lat,
            )
            for entry, entry_keys in zip(entries, keys, strict=True)
            for key in entry_keys
        ],
        batch_size=5000,
    )
    return len(entries)


def project_url(project, city_slug: str | None) -> str:
    if city_slug:
        return reverse("portfolio:project", kwargs={"city": city_slug, "key": project.slug})
    return reverse("portfolio:project_any", kwargs={"key": project.slug})


def _entry_values(layer, pk, city_slugs, url, properties, location, extra):
    box = geo.bounds(location)
    feature = {
        "type": "Feature",
        "id": f"{layer}:{pk}",
        "geometry": location,
        "properties": {"id": pk, "layer": layer, "url": url, **properties},
    }
    return {
        "layer": layer,
        "object_id": pk,
        "title": properties["title"][:200],
        "min_lon": box[0] if box else None,
        "min_lat": box[1] if box else None,
        "max_lon": box[2] if box else None,
        "max_lat": box[3] if box else None,
        "feature": orjson.dumps(feature).decode(),
        **extra,
    }


STATUS_LABELS = dict(ProjectStatus.choices)


def _project_values(data: dict) -> dict:
    """MapEntry field values from plain project data (see ``_project_data``)."""
    fields = sorted(data["fields"], key=lambda field: (field[2], field[0]))
    layer = PROJECT_LAYERS[data["kind"]]
    district = data["district"]
    city_slugs = data["city_slugs"]
    properties = {
        "title": data["title"],
        "code": data["code"],
        "summary": data["summary"][:300],
        "kind": data["kind"],
        "status": data["status"],
        "status_label": str(STATUS_LABELS.get(data["status"], data["status"])),
        "action_field": fields[0][0] if fields else None,
        "action_fields": [field[0] for field in fields],
        "colour": fields[0][1] if fields else "#00568f",
        "cities": city_slugs,
        "district": district[0] if district else None,
        "district_name": district[1] if district else None,
        "city_wide": data["city_wide"] or data["location"] is None,
    }
    url = data["url"]
    extra = {
        "keys": _keys(city_slugs, properties["action_fields"], data["partner_slugs"]),
        "kind": data["kind"],
        "status": data["status"],
        "district": properties["district"] or "",
        "search_text": data["search_text"],
    }
    return _entry_values(layer, data["pk"], city_slugs, url, properties, data["location"], extra)


def project_entry(project) -> dict | None:
    """The MapEntry field values for a project (prefetched relations are used)."""
    if project.review != Review.PUBLISHED:
        return None
    city_slugs = [city.slug for city in project.cities.all()]
    district = project.district
    return _project_values(
        {
            "pk": project.pk,
            "title": project.title,
            "code": project.code,
            "summary": project.summary,
            "kind": project.kind,
            "status": project.status,
            "location": project.location,
            "city_wide": project.city_wide,
            "search_text": project.search_text,
            "district": (district.slug, district.name) if district else None,
            "city_slugs": city_slugs,
            "fields": [(f.slug, f.colour, f.order) for f in project.action_fields.all()],
            "partner_slugs": [role.partner.slug for role in project.partner_roles.all()],
            "url": project_url(project, city_slugs[0] if city_slugs else None),
        }
    )


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
        "keys": _keys([place.city.slug], partners=operator),
        "kind": place.kind,
        "district": properties["district"] or "",
        "search_text": place.search_text,
    }
    return _entry_values(layer, place.pk, [place.city.slug], url, properties, place.location, extra)


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
        mapfragments.refresh(PROJECT_LAYER_NAMES, [project_id])
        return
    district = geo.derive_district(list(project.cities.all()), project.location)
    project.search_text = project_search_text(project)
    project.district = district
    Project.objects.filter(pk=project.pk).update(search_text=project.search_text, district=district)
    values = project_entry(project)
    if values:
        save_entries([values])
    mapfragments.refresh(PROJECT_LAYER_NAMES, [project_id])


@transaction.atomic
def refresh_place(place_id: int) -> None:
    place = place_queryset().filter(pk=place_id).first()
    MapEntry.objects.filter(layer__in=PLACE_LAYERS.values(), object_id=place_id).delete()
    if place is None:
        mapfragments.refresh(PLACE_LAYERS.values(), [place_id])
        return
    place.search_text = search.normalise(place.name, place.description, place.address)
    place.district = geo.derive_district([place.city], place.location)
    Place.objects.filter(pk=place.pk).update(search_text=place.search_text, district=place.district)
    save_entries([place_entry(place)])
    mapfragments.refresh(PLACE_LAYERS.values(), [place_id])


@transaction.atomic
def remove(layers, object_id: int) -> None:
    """Take a deleted project's or place's entry (and its Feature) off the map."""
    MapEntry.objects.filter(layer__in=layers, object_id=object_id).delete()
    mapfragments.refresh(layers, [object_id])


def _bulk_project_values():
    """Every published project's entry values from a fixed number of flat queries."""
    through = Project.cities.through
    # In City's own order, like ``project.cities.all()`` in ``project_entry``.
    city_rank = {
        pk: (rank, slug) for rank, (pk, slug) in enumerate(City.objects.values_list("pk", "slug"))
    }
    cities_of = defaultdict(list)
    for project_id, city_id in through.objects.values_list("project_id", "city_id"):
        cities_of[project_id].append(city_rank[city_id])
    cities_of = {pk: [slug for _rank, slug in sorted(ranked)] for pk, ranked in cities_of.items()}
    field_info = {
        pk: (slug, colour, order)
        for pk, slug, colour, order in ActionField.objects.values_list(
            "pk", "slug", "colour", "order"
        )
    }
    fields_of = defaultdict(list)
    for project_id, field_id in Project.action_fields.through.objects.values_list(
        "project_id", "actionfield_id"
    ):
        fields_of[project_id].append(field_info[field_id])
    partners_of = defaultdict(list)
    for project_id, slug in ProjectPartner.objects.values_list("project_id", "partner__slug"):
        partners_of[project_id].append(slug)
    districts = {
        pk: (slug, name) for pk, slug, name in District.objects.values_list("pk", "slug", "name")
    }
    # One reverse() for all: the URL pattern with placeholders filled per project.
    with_city = reverse("portfolio:project", kwargs={"city": "CITY", "key": "KEY"})
    without_city = reverse("portfolio:project_any", kwargs={"key": "KEY"})
    rows = Project.objects.published().values_list(
        "pk",
        "title",
        "code",
        "summary",
        "kind",
        "status",
        "location",
        "city_wide",
        "search_text",
        "district_id",
        "slug",
    )
    for (
        pk,
        title,
        code,
        summary,
        kind,
        status,
        location,
        city_wide,
        text,
        district,
        slug,
    ) in rows.iterator(chunk_size=2000):
        slugs = cities_of.get(pk, [])
        url = (with_city.replace("CITY", slugs[0]) if slugs else without_city).replace("KEY", slug)
        yield _project_values(
            {
                "pk": pk,
                "title": title,
                "code": code,
                "summary": summary,
                "kind": kind,
                "status": status,
                "location": location,
                "city_wide": city_wide,
                "search_text": text,
                "district": districts.get(district),
                "city_slugs": slugs,
                "fields": fields_of.get(pk, []),
                "partner_slugs": partners_of.get(pk, []),
                "url": url,
            }
        )


@transaction.atomic
def rebuild_all(batch_size: int = 2000) -> int:
    """Rebuild the whole index (after imports or bulk changes); returns the entry count.

    Uses the stored search text and district of each project (``refresh_project`` keeps
    them current; imports call it per row).
    """
    MapEntry.objects.all().delete()
    places = (place_entry(place) for place in place_queryset().iterator(chunk_size=batch_size))
    count = save_entries(itertools.chain(_bulk_project_values(), places))
    mapfragments.rebuild_all()
    # Fresh statistics so the planner starts from the most selective filter key.
    with connection.cursor() as cursor:
        for model in (MapEntry, MapEntryKey, MapFragment):
            table = model._meta.db_table
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return count
