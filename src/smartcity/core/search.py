"""German-aware search text: lower case, accents folded, words stemmed by Snowball (German).

Stored text and queries go through the same functions, so "Bäume" finds "Baum" and
"Brücken" finds "Brücke" or "Bruecke", on SQLite and PostgreSQL alike. A capability keeps a
search column filled with :func:`normalise` and matches each of :func:`query_terms` in it.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Words that match nearly everything and mean nothing on their own.
STOPWORDS = frozenset(
    "der die das den dem des ein eine einer eines einem einen und oder in im am an auf aus "
    "bei mit nach von vom zu zum zur für fur über uber unter als auch ist sind the of and for to"
    "".split()
)
MAX_QUERY_TERMS = 10


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("german")


_GERMAN_LETTERS = set("äöüß")


def _fold_accents(word: str) -> str:
    # The German stemmer handles umlauts and ß itself; other accents (é, ç) are dropped.
    if word.isascii():
        return word
    return "".join(
        char if char in _GERMAN_LETTERS else unicodedata.normalize("NFKD", char)[0] for char in word
    )


def words(text: str) -> list[str]:
    """The stems of the meaningful words of ``text``."""
    raw = [_fold_accents(word) for word in _WORD.findall((text or "").lower())]
    return _stemmer().stemWords([word for word in raw if word not in STOPWORDS])


def normalise(*texts: str | None) -> str:
    """A search column's content: each stem once, separated and framed by spaces, so
    ``contains(" " + term)`` finds a word (or a compound) starting with or holding it."""
    found: dict[str, None] = {}
    for text in texts:
        for stem in words(text or ""):
            found.setdefault(stem, None)
    return " " + " ".join(found) + " " if found else ""


def query_terms(query: str) -> list[str]:
    """The stems to look for; a query of only stop words gives none."""
    return words(query)[:MAX_QUERY_TERMS]


def sql_conditions(column: str, query: str) -> tuple[list[str], list[str]]:
    """For SQL built by hand: one ``LIKE``-style condition on ``column`` (a normalised search
    text) per term of ``query``, as the ORM's ``__contains`` lookup writes it for this
    database, and their parameters (wildcards in the terms escaped)."""
    from django.db import connection

    contains = connection.operators["contains"] % "%s"
    searched = connection.ops.lookup_cast("contains", "TextField") % column
    terms = query_terms(query or "")
    return (
        [f"{searched} {contains}"] * len(terms),
        [f"%{connection.ops.prep_for_like_query(term)}%" for term in terms],
    )
