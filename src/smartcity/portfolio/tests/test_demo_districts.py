"""Approximate demo district boundaries: within the city, covering it, districts derived."""

from shapely.geometry import shape

from smartcity.core.models import District
from smartcity.portfolio import demo_districts
from smartcity.portfolio.models import MapEntry, Place, Project


def load_demo_with_boundaries():
    from smartcity.defects.demo import load_boundaries
    from smartcity.portfolio.demo import load

    load()
    load_boundaries()  # the demo's approximate city boundaries
    demo_districts.load()


def test_every_demo_district_gets_an_approximate_boundary_inside_its_city(demo):
    load_demo_with_boundaries()
    for city in (demo["dortmund"], demo["schwerte"]):
        city.refresh_from_db()
        area = shape(city.boundary)
        districts = list(District.objects.filter(city=city))
        assert len(districts) == len(demo_districts.CENTRES[city.slug])
        total = 0
        for district in districts:
            assert district.boundary["approximate"] is True
            part = shape(district.boundary)
            assert area.buffer(1e-5).contains(part), district.slug
            lon, lat = demo_districts.CENTRES[city.slug][district.slug]
            assert part.buffer(1e-9).contains(shape({"type": "Point", "coordinates": [lon, lat]}))
            total += part.area
        # Together they cover the city without overlapping.
        assert abs(total - area.area) / area.area < 1e-4


def test_demo_projects_and_places_get_their_district(demo):
    load_demo_with_boundaries()
    hub = Project.objects.get(code="IM 01")
    assert hub.district.slug == "mitte" and hub.district.city.slug == "schwerte"
    located = Project.objects.filter(is_demo=True).exclude(location=None)
    assert located.exists()
    assert not located.filter(district=None).exists()
    assert not Place.objects.filter(is_demo=True, district=None).exists()
    # The map index carries the district, so ?district= finds them.
    entry = MapEntry.objects.get(layer="projects", object_id=hub.pk)
    assert entry.district == "mitte"


def test_loading_again_keeps_an_official_boundary(demo):
    load_demo_with_boundaries()
    official = {
        "type": "Polygon",
        "coordinates": [[[7.48, 51.46], [7.53, 51.46], [7.53, 51.50], [7.48, 51.46]]],
    }
    District.objects.filter(slug="hoerde").update(boundary=official)
    demo_districts.load()
    assert District.objects.get(slug="hoerde").boundary == official
