"""Approximate boundaries for the demo districts, so demo projects get a district.

Dortmund's twelve Stadtbezirke and Schwerte's Ortsteile are given as one approximate centre
each; a district's boundary is the part of the (approximate) city boundary closer to its
centre than to any other (Voronoi cells clipped to the city). That is **approximate**: good
for a demo within about a kilometre, not the official borders (import those with
``smartcity import_districts``). Each polygon carries the foreign member
``"approximate": true``; only districts without a boundary get one, an imported official
boundary is never replaced. Runs after the loader that sets the demo cities' boundaries.
"""

import math

from django.db import transaction
from shapely import affinity
from shapely.geometry import MultiPoint, Point, mapping, shape
from shapely.ops import voronoi_diagram

from smartcity.core.models import City, District
from smartcity.core.registries import DemoLoader, demo_loaders

# Approximate centre (longitude, latitude) of each district, by slug.
CENTRES = {
    "dortmund": {
        "innenstadt-west": (7.445, 51.510),
        "innenstadt-nord": (7.460, 51.530),
        "innenstadt-ost": (7.490, 51.507),
        "eving": (7.475, 51.560),
        "scharnhorst": (7.545, 51.545),
        "brackel": (7.565, 51.515),
        "aplerbeck": (7.560, 51.482),
        "hoerde": (7.500, 51.478),
        "hombruch": (7.425, 51.470),
        "luetgendortmund": (7.345, 51.500),
        "huckarde": (7.410, 51.535),
        "mengede": (7.390, 51.570),
    },
    "schwerte": {
        "mitte": (7.565, 51.445),
        "ergste": (7.545, 51.418),
        "geisecke": (7.625, 51.455),
        "holzen": (7.600, 51.432),
        "villigst": (7.580, 51.410),
        "westhofen": (7.515, 51.420),
        "wandhofen": (7.535, 51.440),
        "schwerter-heide": (7.585, 51.465),
    },
}


def approximate_districts(city_boundary: dict, centres: dict) -> dict[str, dict]:
    """Each centre's Voronoi cell within ``city_boundary`` as GeoJSON, by slug."""
    city = shape(city_boundary)
    # Distances in degrees of longitude are shorter than in latitude by cos(latitude).
    factor = math.cos(math.radians(city.centroid.y))
    scaled_city = affinity.scale(city, xfact=factor, yfact=1, origin=(0, 0))
    points = MultiPoint([(lon * factor, lat) for lon, lat in centres.values()])
    cells = voronoi_diagram(points, envelope=scaled_city.envelope.buffer(1))
    result = {}
    for slug, (lon, lat) in centres.items():
        cell = next(cell for cell in cells.geoms if cell.contains(Point(lon * factor, lat)))
        part = cell.intersection(scaled_city)
        part = affinity.scale(part, xfact=1 / factor, yfact=1, origin=(0, 0))
        if part.is_empty or part.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        geojson = _rounded(mapping(part))
        geojson["approximate"] = True
        result[slug] = geojson
    return result


def _rounded(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    return value


@transaction.atomic
def load() -> None:
    """Give demo districts without a boundary an approximate one, then derive the districts of
    the demo projects and places again."""
    from smartcity.portfolio.models import Place, Project
    from smartcity.portfolio.services import mapindex

    changed = False
    for city in City.objects.filter(slug__in=CENTRES, boundary__isnull=False):
        missing = set(
            District.objects.filter(city=city, boundary__isnull=True).values_list("slug", flat=True)
        )
        if not missing:
            continue
        for slug, boundary in approximate_districts(city.boundary, CENTRES[city.slug]).items():
            if slug in missing:
                district = District.objects.get(city=city, slug=slug)
                district.boundary = boundary
                district.full_clean()
                district.save(update_fields=["boundary"])
                changed = True
    if changed:
        for project_id in Project.objects.filter(is_demo=True).values_list("pk", flat=True):
            mapindex.refresh_project(project_id)
        for place_id in Place.objects.filter(is_demo=True).values_list("pk", flat=True):
            mapindex.refresh_place(place_id)


# After the demo cities got their approximate boundaries (defect reporting's loader, 50).
demo_loaders.register("portfolio-districts", DemoLoader("portfolio-districts", load, order=55))
