"""City and district logic shared by every capability."""

import json
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from smartcity.core import geometry
from smartcity.core.models import City, District


def district_for_point(city: City, longitude: float, latitude: float) -> District | None:
    """The district of ``city`` containing the point, by point-in-polygon on known boundaries."""
    for district in city.districts.exclude(boundary__isnull=True):
        if geometry.area_contains(district.boundary, longitude, latitude):
            return district
    return None


class DistrictImportError(ValueError):
    pass


@transaction.atomic
def import_district_boundaries(
    city: City, path: Path, name_property: str = "name", create_missing: bool = False
) -> list[District]:
    """Set district boundaries from a GeoJSON FeatureCollection; all or nothing.

    Features are matched to districts by ``name_property`` (case-insensitive name or slug).
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise DistrictImportError(f"{path}: cannot read GeoJSON ({error})") from error
    if data.get("type") != "FeatureCollection":
        raise DistrictImportError(f"{path}: expected a GeoJSON FeatureCollection")
    updated = []
    for index, feature in enumerate(data.get("features", []), start=1):
        name = str((feature.get("properties") or {}).get(name_property) or "").strip()
        if not name:
            raise DistrictImportError(f"feature {index}: property {name_property!r} is missing")
        if not feature.get("geometry"):
            raise DistrictImportError(f"feature {index} ({name}): no geometry")
        try:
            geometry.validate_area(feature["geometry"])
        except Exception as error:
            raise DistrictImportError(f"feature {index} ({name}): {error}") from error
        district = (
            city.districts.filter(name__iexact=name).first()
            or city.districts.filter(slug=slugify(name)).first()
        )
        if district is None:
            if not create_missing:
                raise DistrictImportError(f"feature {index}: {city} has no district {name!r}")
            district = District(city=city, name=name, slug=slugify(name))
        district.boundary = feature["geometry"]
        district.save()
        updated.append(district)
    return updated
