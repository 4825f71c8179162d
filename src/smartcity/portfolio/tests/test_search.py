import pytest

from smartcity.core import search


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("Brücken", "Brücke"),
        ("Brücke", "Brückensensorik"),
        ("bruecke", "Brücken"),
        ("Schulen", "Smarte Schule"),
        ("STRASSE", "Straße"),
    ],
)
def test_german_words_find_their_other_forms(query, text):
    stored = search.normalise(text)
    assert all(term in stored for term in search.query_terms(query))


def test_unrelated_words_do_not_match():
    stored = search.normalise("Klimasensorik")
    assert not all(term in stored for term in search.query_terms("Brücken"))
