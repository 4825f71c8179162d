"""The Solr-style query language CKAN clients send in ``q`` and ``fq``.

Supported: ``field:value``, quoted values (``tags:"Öffentlicher Verkehr"``), value lists
(``res_format:(CSV OR JSON)``), ranges with inclusive ``[a TO b]`` or exclusive ``{a TO b}``
bounds and ``*`` as open end (``metadata_modified:[2024-01-01T00:00:00Z TO *]``), Solr date
maths (``NOW-7DAYS``, ``NOW/DAY``), ``AND``/``OR``/``NOT``, ``+``/``-`` prefixes, parentheses
and ``*:*``. Clauses side by side are ANDed, as CKAN's default ``q.op`` does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from smartcity.opendata.search import AllOf, AnyOf, MatchAll, Range, SearchError, Term

TOKEN = re.compile(
    r"""
    \s*(?:
      (?P<lparen>\() | (?P<rparen>\)) |
      (?P<field>[-+]?(?:[A-Za-z_][\w.]*|\*)):(?=\S) |
      (?P<quoted>"(?:[^"\\]|\\.)*") |
      (?P<range>[\[{][^\]}]*[\]}]) |
      (?P<word>[^\s()"]+)
    )""",
    re.VERBOSE,
)
# Fields that CKAN clients send although every dataset here has the same value.
CONSTANT_FIELDS = {"dataset_type": "dataset", "type": "dataset", "capacity": "public"}
DATE_FIELDS = {"metadata_modified", "metadata_created"}
DATE_MATH = re.compile(
    r"^NOW(?P<offset>[+-]\d+(?:YEARS?|MONTHS?|DAYS?|HOURS?|MINUTES?))?(?P<round>/DAY)?$"
)
UNITS = {"YEAR": 365, "MONTH": 30, "DAY": 1}


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise SearchError(
                f"Unverständliche Suche an Position {position}: {text[position:][:30]!r}"
            )
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


def parse_datetime(value: str, *, field: str) -> datetime | None:
    value = value.strip()
    if value == "*":
        return None
    math = DATE_MATH.match(value.upper())
    if math:
        moment = datetime.now(UTC)
        if math.group("offset"):
            offset = math.group("offset")
            number = int(re.match(r"[+-]\d+", offset).group())
            unit = re.sub(r"S$", "", offset.lstrip("+-0123456789"))
            if unit in UNITS:
                delta = timedelta(days=number * UNITS[unit])
            elif unit == "HOUR":
                delta = timedelta(hours=number)
            else:
                delta = timedelta(minutes=number)
            moment += delta
        if math.group("round"):
            moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        return moment
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SearchError(
            f"{field}: „{value}“ ist kein Zeitpunkt (erwartet z. B. 2024-01-01T00:00:00Z)."
        ) from None
    # CKAN stores and compares in UTC; a value without offset means UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value.replace("\\", "")


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.position = 0

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.position += 1
        return token

    def parse(self):
        node = self.expression()
        if self.position < len(self.tokens):
            raise SearchError(f"Unerwartetes „{self.peek()[1]}“ in der Suche.")
        return node

    def expression(self):
        """OR binds weaker than AND (explicit or implicit)."""
        alternatives = [self.conjunction()]
        while self.peek() == ("word", "OR"):
            self.take()
            alternatives.append(self.conjunction())
        return alternatives[0] if len(alternatives) == 1 else AnyOf(tuple(alternatives))

    def conjunction(self):
        items = [self.unary()]
        while True:
            kind, value = self.peek()
            if kind is None or kind == "rparen" or (kind, value) == ("word", "OR"):
                break
            if (kind, value) in (("word", "AND"), ("word", "&&")):
                self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else AllOf(tuple(items))

    def unary(self):
        kind, value = self.peek()
        if (kind, value) in (("word", "NOT"), ("word", "!")):
            self.take()
            return _negate(self.unary())
        if kind == "word" and value in ("-", "+"):
            raise SearchError("Nach „+“ oder „-“ fehlt die Bedingung.")
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if kind == "lparen":
            node = self.expression()
            if self.take()[0] != "rparen":
                raise SearchError("Eine Klammer wird nicht geschlossen.")
            return node
        if kind == "field":
            negate = value.startswith("-")
            return self.clause(value.lstrip("+-"), negate)
        if kind is None:
            raise SearchError("Die Suche endet unerwartet.")
        raise SearchError(
            f"„{value}“: erwartet wird feld:wert, z. B. tags:Umwelt oder "
            "metadata_modified:[2024-01-01T00:00:00Z TO *]."
        )

    def clause(self, field: str, negate: bool):
        kind, value = self.take()
        if field == "*":
            if value != "*":
                raise SearchError("„*:“ geht nur als „*:*“.")
            return MatchAll(negate)
        if kind == "range":
            return self.range(field, value, negate)
        if kind == "lparen":
            values = []
            while True:
                kind, value = self.take()
                if kind == "rparen":
                    break
                if kind is None:
                    raise SearchError(f"{field}: die Werteliste wird nicht geschlossen.")
                if (kind, value) == ("word", "OR"):
                    continue
                if kind not in ("word", "quoted"):
                    raise SearchError(f"{field}: unerwartetes „{value}“ in der Werteliste.")
                values.append(_unquote(value))
            if not values:
                raise SearchError(f"{field}: die Werteliste ist leer.")
            return self.term(field, tuple(values), negate)
        if kind in ("word", "quoted"):
            return self.term(field, (_unquote(value),), negate)
        raise SearchError(f"{field}: der Wert fehlt.")

    def term(self, field: str, values: tuple[str, ...], negate: bool):
        if field in CONSTANT_FIELDS:
            matches = any(value == CONSTANT_FIELDS[field] for value in values)
            return MatchAll(negate=(not matches) != negate)
        if field in DATE_FIELDS:
            moments = [parse_datetime(value, field=field) for value in values]
            return AnyOf(tuple(Range(field, moment, moment) for moment in moments), negate)
        return Term(field, values, negate)

    def range(self, field: str, text: str, negate: bool):
        if field not in DATE_FIELDS:
            raise SearchError(
                f"Bereiche gehen nur für {', '.join(sorted(DATE_FIELDS))}, nicht für {field}."
            )
        include_low, include_high = text[0] == "[", text[-1] == "]"
        parts = re.split(r"\s+TO\s+", text[1:-1].strip())
        if len(parts) != 2:
            raise SearchError(f"{field}: ein Bereich hat die Form [von TO bis].")
        low = parse_datetime(parts[0], field=field)
        high = parse_datetime(parts[1], field=field)
        return Range(field, low, high, include_low, include_high, negate)


def _negate(node):
    if isinstance(node, Term):
        return Term(node.field, node.values, not node.negate)
    if isinstance(node, Range):
        return Range(
            node.field, node.low, node.high, node.include_low, node.include_high, not node.negate
        )
    if isinstance(node, MatchAll):
        return MatchAll(not node.negate)
    return type(node)(node.items, not node.negate)


def parse(text: str | None):
    """The filter node for ``text``; None for an empty query."""
    if text is None or not str(text).strip():
        return None
    return _Parser(str(text)).parse()


FIELD_QUERY = re.compile(r"^\s*[-+]?(?:[A-Za-z_][\w.]*|\*):\S")


def looks_like_field_query(text: str | None) -> bool:
    return bool(text) and bool(FIELD_QUERY.match(text))


def parse_sort(text: str | None) -> list[tuple[str, bool]]:
    """``"score desc, name asc"`` → ``[("score", True), ("name", False)]``."""
    if not text or not str(text).strip():
        return [("score", True), ("metadata_modified", True)]
    result = []
    for part in str(text).split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise SearchError(f"Sortierung „{part.strip()}“: erwartet „feld asc“ oder „feld desc“.")
        result.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    return result
