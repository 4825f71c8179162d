"""German-aware text normalisation for the dataset search.

Every word is lower-cased, its umlauts folded (ä→a, ö→o, ü→u, ß→ss) and reduced by a light
German stemmer (after Savoy's "light" stemmer, as in Lucene's GermanLightStemmer), so that
"Bäume", "Baum" and "Bäumen" all become "baum". The same function prepares the stored search
column and the query, so both sides always agree, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W_]+", re.UNICODE)
FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "æ": "ae", "ø": "o"})
# Words that would match nearly every dataset and carry no meaning of their own.
STOPWORDS = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "eines",
        "einem",
        "einen",
        "und",
        "oder",
        "in",
        "im",
        "am",
        "an",
        "auf",
        "aus",
        "bei",
        "mit",
        "nach",
        "von",
        "vom",
        "zu",
        "zum",
        "zur",
        "fur",
        "uber",
        "unter",
        "als",
        "auch",
        "ist",
        "sind",
        "the",
        "of",
        "and",
        "for",
        "to",
    ]
)


def fold(text: str) -> str:
    text = text.lower().translate(FOLD)
    # Any other accent (é, ç, ...) is dropped as well.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _step1(word: str) -> str:
    length = len(word)
    if length > 5 and word.endswith("ern"):
        return word[:-3]
    if length > 4 and word[-2:] in ("em", "en", "er", "es"):
        return word[:-2]
    if length > 3 and word.endswith("e"):
        return word[:-1]
    # Plural/genitive "s" only after letters a German "-s" ending follows.
    if length > 3 and word.endswith("s") and word[-2] in "bdfghklmnrt":
        return word[:-1]
    return word


def _step2(word: str) -> str:
    length = len(word)
    if length > 5 and word.endswith("est"):
        return word[:-3]
    if length > 4 and word[-2:] in ("er", "en"):
        return word[:-2]
    if length > 4 and word.endswith("st") and word[-3] in "bdfghklmnt":
        return word[:-2]
    return word


def stem(word: str) -> str:
    """The stem of one already folded word."""
    if word.isdigit() or len(word) < 4:
        return word
    word = _step2(_step1(word))
    # "Ergebnisse" → "ergebniss" must meet "Ergebnis" → "ergebnis".
    return word[:-1] if word.endswith("niss") else word


def terms(text: str | None) -> list[str]:
    """The normalised search terms of ``text`` in order, without stop words."""
    if not text:
        return []
    return [stem(word) for word in WORD.findall(fold(text)) if word not in STOPWORDS]


def document(*parts: str | None) -> str:
    """The stored search column: the terms, each preceded by a space (for prefix matching)."""
    seen: dict[str, None] = {}
    for part in parts:
        for term in terms(part):
            seen.setdefault(term, None)
    return " " + " ".join(seen) + " " if seen else ""
