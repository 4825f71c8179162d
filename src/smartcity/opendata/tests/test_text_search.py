import pytest

from smartcity.core.search import words
from smartcity.opendata import search
from smartcity.opendata.tests import factories


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("Bäume", "Baum"),
        ("Baum", "Bäume"),
        ("Spielplätze", "Spielplatz"),
        ("Wahlergebnisse", "Wahlergebnis"),
        ("Parkhäuser", "Parkhaus"),
        ("Straße", "Strasse"),
    ],
)
def test_inflections_and_umlauts_share_a_term(query, stored):
    assert words(query) == words(stored)


def test_stop_words_do_not_become_terms():
    assert words("Die Bäume in der Stadt") == ["baum", "stadt"]


def _titles(result):
    return sorted(dataset.title for dataset in result.datasets)


def test_baeume_finds_baum_and_compounds(db):
    factories.dataset(title="Baumkataster", notes="Jeder Baum der Stadt")
    factories.dataset(title="Straßenbäume Schwerte", notes="Bäume an Straßen")
    factories.dataset(title="Spielplätze", notes="Spielgeräte")
    result = search.search(search.SearchQuery(q="Bäume", rows=10))
    assert _titles(result) == ["Baumkataster", "Straßenbäume Schwerte"]
    assert result.count == 2


def test_every_query_term_must_match(db):
    factories.dataset(title="Bäume Dortmund", notes="x")
    factories.dataset(title="Bäume Schwerte", notes="x")
    result = search.search(search.SearchQuery(q="Baum Schwerte"))
    assert _titles(result) == ["Bäume Schwerte"]


def test_title_hits_rank_before_description_hits(db):
    factories.dataset(title="Haushalt", notes="Auch Parkhäuser kosten Geld")
    factories.dataset(title="Parkhäuser", notes="Stellplätze")
    result = search.search(search.SearchQuery(q="parkhaus"))
    assert [dataset.title for dataset in result.datasets] == ["Parkhäuser", "Haushalt"]


def test_facets_count_the_filtered_datasets(db):
    umwelt = factories.organization("umweltamt")
    verkehr = factories.organization("tiefbauamt")
    first = factories.dataset(org=umwelt, tags=["Bäume", "Umwelt"], groups=["ENVI"])
    factories.csv_distribution(first)
    factories.dataset(org=umwelt, tags=["Umwelt"], groups=["ENVI", "HEAL"])
    factories.dataset(org=verkehr, tags=["Parken"], groups=["TRAN"], license_id="cc-by/4.0")
    result = search.search(search.SearchQuery(facet_fields=search.FACET_FIELDS, rows=0))
    counts = {
        name: {item.name: item.count for item in items} for name, items in result.facets.items()
    }
    assert counts["organization"] == {"umweltamt": 2, "tiefbauamt": 1}
    assert counts["tags"] == {"Umwelt": 2, "Bäume": 1, "Parken": 1}
    assert counts["groups"] == {"envi": 2, "heal": 1, "tran": 1}
    assert counts["res_format"] == {"CSV": 1}
    assert counts["license_id"] == {"dl-by-de/2.0": 2, "cc-by/4.0": 1}

    narrowed = search.search(
        search.SearchQuery(
            filters=[search.Term("organization", ("umweltamt",))], facet_fields=("tags",)
        )
    )
    assert narrowed.count == 2
    assert {item.name: item.count for item in narrowed.facets["tags"]} == {"Umwelt": 2, "Bäume": 1}


def test_sorting_by_name_and_change(db):
    factories.dataset(title="Beta")
    factories.dataset(title="alpha")
    last = factories.dataset(title="Gamma")
    by_name = search.search(search.SearchQuery(sort=[("title", False)]))
    assert [dataset.title for dataset in by_name.datasets] == ["alpha", "Beta", "Gamma"]
    by_change = search.search(search.SearchQuery(sort=[("metadata_modified", True)]))
    assert by_change.datasets[0] == last


def test_drafts_and_private_datasets_are_not_found(db):
    factories.dataset(title="Bäume öffentlich")
    factories.dataset(title="Bäume Entwurf", state="draft")
    factories.dataset(title="Bäume intern", private=True)
    assert _titles(search.search(search.SearchQuery(q="Bäume"))) == ["Bäume öffentlich"]


def test_postgresql_uses_a_trigram_index_for_the_search_column(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'opendata_dataset_search_trgm'"
        )
        row = cursor.fetchone()
    assert row is not None and "gin_trgm_ops" in row[0]
