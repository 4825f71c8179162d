import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from smartcity.core.demo import DORTMUND_DISTRICTS, load_all
from smartcity.core.models import City, District
from smartcity.core.services import district_for_point


def square(x, y, size=0.05):
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


def test_demo_cities_and_districts(cities):
    assert cities["dortmund"].municipality_key == "05913000"
    assert cities["schwerte"].municipality_key == "05978028"
    names = list(cities["dortmund"].districts.values_list("name", flat=True))
    assert names == [name for _number, name, _slug in DORTMUND_DISTRICTS]
    assert len(names) == 12


def test_demo_loader_is_idempotent(db):
    load_all(report=lambda message: None)
    counts = (City.objects.count(), District.objects.count())
    from smartcity.accounts.models import Membership, User

    people = (User.objects.count(), Membership.objects.count())
    load_all(report=lambda message: None)
    assert (City.objects.count(), District.objects.count()) == counts
    assert (User.objects.count(), Membership.objects.count()) == people
    assert User.objects.get(username="admin").check_password("smartcity-demo")


def test_point_is_assigned_to_its_district_by_boundary(cities):
    dortmund = cities["dortmund"]
    assert district_for_point(dortmund, 7.47, 51.49) is None  # no boundaries yet
    District.objects.filter(city=dortmund, slug="hoerde").update(boundary=square(7.45, 51.47))
    District.objects.filter(city=dortmund, slug="eving").update(boundary=square(7.45, 51.55))
    assert district_for_point(dortmund, 7.47, 51.49).slug == "hoerde"
    assert district_for_point(dortmund, 7.47, 51.56).slug == "eving"
    assert district_for_point(dortmund, 7.30, 51.50) is None


def test_city_boundary_contains(cities):
    city = cities["schwerte"]
    assert city.contains(0, 0)  # unknown boundary: no restriction
    city.boundary = square(7.50, 51.40, 0.1)
    assert city.contains(7.55, 51.45)
    assert not city.contains(7.46, 51.51)


def test_import_boundaries_from_geojson(cities, tmp_path):
    path = tmp_path / "bezirke.geojson"
    features = [
        {"type": "Feature", "properties": {"BEZ": "Hörde"}, "geometry": square(7.45, 51.47)},
        {"type": "Feature", "properties": {"BEZ": "Mengede"}, "geometry": square(7.35, 51.56)},
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    call_command("import_districts", "dortmund", str(path), "--name-property", "BEZ", verbosity=0)
    assert District.objects.get(slug="mengede").boundary == square(7.35, 51.56)
    assert district_for_point(cities["dortmund"], 7.36, 51.57).name == "Mengede"


def test_import_is_all_or_nothing_and_names_the_bad_feature(cities, tmp_path):
    path = tmp_path / "bad.geojson"
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    features = [
        {"type": "Feature", "properties": {"name": "Hörde"}, "geometry": square(7.45, 51.47)},
        {"type": "Feature", "properties": {"name": "Eving"}, "geometry": bowtie},
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(CommandError, match="feature 2 \\(Eving\\)"):
        call_command("import_districts", "dortmund", str(path), verbosity=0)
    assert District.objects.get(slug="hoerde").boundary is None
    with pytest.raises(CommandError, match="unknown city"):
        call_command("import_districts", "atlantis", str(path), verbosity=0)


def test_boundary_validation_rejects_non_polygons(cities):
    district = District.objects.get(slug="hoerde")
    district.boundary = {"type": "Point", "coordinates": [7.4, 51.5]}
    with pytest.raises(ValidationError) as raised:
        district.full_clean()
    assert "boundary" in raised.value.message_dict


def test_reserved_paths_cannot_be_city_slugs(db):
    city = City(slug="api", name="API", municipality_key="05913001")
    with pytest.raises(ValidationError) as raised:
        city.full_clean()
    assert "slug" in raised.value.message_dict
    bad_key = City(slug="unna", name="Unna", municipality_key="5978036")
    with pytest.raises(ValidationError) as raised:
        bad_key.full_clean()
    assert "municipality_key" in raised.value.message_dict
