"""A small German-aware search normaliser: lower case, umlauts folded, endings stemmed.

Stored text and queries go through the same function, so "Brücken" finds "Brücke" and
"Bruecke": both become "bruck". Matching is substring per query word (AND).
"""

import re
import unicodedata

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
# Longest first; only stripped when a stem of at least four letters remains.
_ENDINGS = ("ungen", "ern", "en", "er", "es", "em", "e", "n", "s")
_WORD = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> str:
    text = text.lower().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    for digraph, single in _DIGRAPHS:
        text = text.replace(digraph, single)
    return text


def stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def words(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(_fold(text or ""))]


def normalise(*texts: str) -> str:
    """The search column's content: each word stemmed, separated and framed by spaces."""
    found = []
    for text in texts:
        found.extend(words(text))
    return " " + " ".join(found) + " "


def query_terms(query: str) -> list[str]:
    return [term for term in words(query) if term][:10]
