from smartcity.portfolio.models import ActionField, MapEntry, Partner, Place, Project


def test_demo_loads_the_programme_and_is_idempotent(demo):
    from smartcity.portfolio.demo import load

    counts = (
        ActionField.objects.count(),
        Project.objects.count(),
        Place.objects.count(),
        Partner.objects.count(),
        MapEntry.objects.count(),
    )
    load()
    again = (
        ActionField.objects.count(),
        Project.objects.count(),
        Place.objects.count(),
        Partner.objects.count(),
        MapEntry.objects.count(),
    )
    assert counts == again
    assert counts[0] == 12
    assert list(ActionField.objects.values_list("name", flat=True)[:2]) == [
        "Daten und Plattformen",
        "Zusammenleben und Mitmachen",
    ]
    assert Project.objects.filter(title="Brückensensorik", is_demo=True).exists()
    assert set(Partner.objects.filter(founding_member=True).values_list("slug", flat=True)) == {
        "stadt-dortmund",
        "ihk-zu-dortmund",
        "leitstelle-energiewende-dortmund",
        "cisco",
    }
    # Every published project and every place has exactly one map entry.
    assert counts[4] == counts[1] + counts[2]


def test_intermunicipal_project_belongs_to_both_cities(demo):
    platform = Project.objects.get(code="DP 01")
    assert {city.slug for city in platform.cities.all()} == {"dortmund", "schwerte"}


def test_bulk_rebuild_gives_the_same_entries_as_single_refreshes(demo):
    from smartcity.portfolio.services import mapindex

    def snapshot():
        return {
            (entry.layer, entry.object_id): (
                entry.feature,
                entry.search_text,
                sorted(entry.keys.values_list("key", flat=True)),
            )
            for entry in MapEntry.objects.all()
        }

    single = snapshot()
    assert mapindex.rebuild_all() == len(single)
    assert snapshot() == single
