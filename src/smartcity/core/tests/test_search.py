import pytest

from smartcity.core.search import normalise, query_terms


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("Bäume", "Baumkataster: Baum und Standort"),
        ("Baum", "Bäume im Stadtgebiet"),
        ("Brücken", "Sensoren an der Brücke"),
        ("Brücke", "Zustand der Bruecken"),
        ("Spielplätze", "Spielplatz Westpark"),
        ("Straßen", "Strassenbeleuchtung und Strasse"),
        ("café", "Cafe am Markt"),
    ],
)
def test_german_forms_find_each_other(query, stored):
    column = normalise(stored)
    assert all(f" {term}" in column for term in query_terms(query)), (query, column)


def test_unrelated_words_do_not_match():
    column = normalise("Parkplätze in der Innenstadt")
    assert not any(f" {term}" in column for term in query_terms("Bäume"))


def test_stop_words_and_limits():
    assert query_terms("der die das und") == []
    assert len(query_terms(" ".join(f"wort{n}" for n in range(30)))) == 10
    assert normalise("", None) == ""
    assert normalise("Baum Bäume Baum") == " baum "
