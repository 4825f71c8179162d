"""Compile parsed ``$filter``/``$orderby`` trees to Django ``Q`` objects and expressions.

Everything runs in the database except spatial functions (see ``sta/geo.py``). Literal types
decide how a value is compared: ``result eq 5`` compares the numeric result, ``result eq '5'``
the textual one, ``properties/x eq '5'`` a JSON string, ``properties/x eq 5`` a JSON number.
"""

import operator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Q, Subquery, Value
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IsNull,
    LessThan,
    LessThanOrEqual,
)

from smartcity.sensors.sta import geo
from smartcity.sensors.sta.entities import BY_SET
from smartcity.sensors.sta.errors import bad_request
from smartcity.sensors.sta.filter import functions
from smartcity.sensors.sta.filter.grammar import parse
from smartcity.sensors.times import parse_instant

LOOKUPS = {"eq": "exact", "gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}
LOOKUP_CLASSES = {
    "eq": Exact,
    "gt": GreaterThan,
    "ge": GreaterThanOrEqual,
    "lt": LessThan,
    "le": LessThanOrEqual,
}
PY_OPS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
FLIPPED = {"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}
_NO_LITERAL = object()


@dataclass
class Typed:
    """A compiled operand: its expression, what kind of value it is, where it came from."""

    expr: object
    kind: str  # number string bool datetime duration geo null json result interval
    lookup: str | None = None  # ORM path when the operand is a stored property
    literal: object = _NO_LITERAL
    end_lookup: str | None = None  # intervals: the end column
    geo_owner: tuple | None = None  # (model, relation prefix, column) for spatial evaluation
    geo_call: object = None  # spatial function: (owner Typed, function of one geometry)

    @property
    def is_literal(self):
        return self.literal is not _NO_LITERAL


@dataclass
class Compiler:
    entity: object
    field_name: str = "$filter"
    many: bool = field(default=False)

    # --- operands -------------------------------------------------------------------------
    def path(self, names):
        entity, parts = self.entity, []
        for index, name in enumerate(names):
            rel = entity.rel_map.get(name)
            if rel is not None:
                parts.append(rel.lookup)
                self.many = self.many or rel.many
                entity = BY_SET[rel.target]
                continue
            if name in ("id", "@iot.id"):
                return Typed(F("__".join([*parts, "pk"])), "number", "__".join([*parts, "pk"]))
            prop = entity.prop_map.get(name)
            if prop is None:
                raise bad_request(
                    f"{entity.name} has no property or navigation {name!r}", self.field_name
                )
            rest = names[index + 1 :]
            if prop.kind == "result" and rest:
                return self._json("__".join([*parts, "result_json", *rest]))
            if prop.kind == "json":
                return self._json("__".join([*parts, prop.column, *rest]))
            if rest:
                raise bad_request(f"{entity.name}/{name} has no sub-properties", self.field_name)
            prefix = "__".join(parts) + "__" if parts else ""
            if prop.kind == "interval":
                start, end = f"{prefix}{prop.column}_start", f"{prefix}{prop.column}_end"
                return Typed(F(start), "interval", start, end_lookup=end)
            if prop.kind == "result":
                return Typed(F(prefix + "result_number"), "result", prefix.rstrip("_"))
            lookup = prefix + prop.column
            kind = {"text": "string", "time": "datetime", "geo": "geo"}[prop.kind]
            owner = (entity.model, prefix, prop.column) if kind == "geo" else None
            return Typed(F(lookup), kind, lookup, geo_owner=owner)
        raise bad_request(
            f"{'/'.join(names)} is a navigation, not a property to compare", self.field_name
        )

    @staticmethod
    def _json(lookup):
        return Typed(F(lookup), "json", lookup)

    def literal(self, kind, value):
        if kind == "datetime":
            value = parse_instant(value, self.field_name)
        elif kind == "geo":
            value = geo.from_wkt(value, self.field_name)
            return Typed(None, "geo", literal=value)
        elif kind == "duration":
            value = functions.parse_duration(value, self.field_name)
        return Typed(Value(value), kind, literal=value)

    def value(self, node) -> Typed:
        tag = node[0]
        if tag == "lit":
            return self.literal(node[1], node[2])
        if tag == "path":
            return self.path(node[1])
        if tag == "arith":
            return functions.arithmetic(node[1], self.value(node[2]), self.value(node[3]))
        if tag == "call":
            if node[1] == "not":
                return Typed(self.condition(node), "bool")
            if node[1] in functions.PREDICATE_NAMES:
                return Typed(self.condition(node), "bool")
            return functions.call(self, node[1], [self.value(arg) for arg in node[2]])
        if tag in ("cmp", "bool", "not"):
            return Typed(self.condition(node), "bool")
        raise bad_request("unsupported expression", self.field_name)

    # --- conditions -----------------------------------------------------------------------
    def condition(self, node) -> Q:
        tag = node[0]
        if tag == "bool":
            left, right = self.condition(node[2]), self.condition(node[3])
            return left & right if node[1] == "and" else left | right
        if tag == "not":
            return ~self.condition(node[1])
        if tag == "cmp":
            return self.compare(node[1], self.value(node[2]), self.value(node[3]))
        if tag == "call" and node[1] == "not" and len(node[2]) == 1:
            return ~self.condition(node[2][0])
        if tag == "call" and node[1] in functions.PREDICATE_NAMES:
            return functions.predicate(self, node[1], [self.value(arg) for arg in node[2]])
        operand = self.value(node)
        if operand.geo_call is not None:
            return self.spatial(operand, lambda result: result is True)
        if operand.kind == "bool" and isinstance(operand.expr, Q):
            return operand.expr
        if operand.kind == "bool" and operand.is_literal:
            return Q(pk__isnull=not operand.literal)
        if operand.kind == "result" and operand.lookup is not None:
            return Q(**{self._result_column(operand.lookup, "result_bool"): True})
        if operand.kind == "json" and operand.lookup:
            return Q(**{operand.lookup: True})
        raise bad_request("the expression is not a condition (true/false)", self.field_name)

    @staticmethod
    def _result_column(prefix, column):
        return f"{prefix}__{column}" if prefix else column

    def spatial(self, operand, test) -> Q:
        owner, function = operand.geo_call
        model, prefix, column = owner.geo_owner
        matching = [
            pk
            for pk, stored in model.objects.values_list("pk", column).iterator()
            if (shape := geo.from_geojson(stored)) is not None and test(function(shape))
        ]
        return Q(**{f"{prefix}pk__in": matching})

    def compare(self, op, left: Typed, right: Typed) -> Q:
        if left.is_literal and not right.is_literal:
            left, right, op = right, left, FLIPPED[op]
        if left.geo_call is not None:
            if not right.is_literal:
                raise bad_request("compare a spatial function with a literal", self.field_name)
            return self.spatial(left, lambda value: PY_OPS[op](value, right.literal))
        if right.kind == "null":
            lookup = left.lookup
            if left.kind == "result":
                condition = Q(
                    **{
                        self._result_column(lookup, "result_kind"): "j",
                        self._result_column(lookup, "result_json__isnull"): True,
                    }
                )
            elif lookup:
                condition = Q(**{f"{lookup}__isnull": True})
            else:
                condition = Q(IsNull(left.expr, True))
            return ~condition if op == "ne" else condition
        if left.lookup is not None and right.is_literal and left.kind != "geo":
            return self.compare_stored(op, left, right)
        return self.compare_expressions(op, left, right)

    def compare_stored(self, op, left: Typed, right: Typed) -> Q:
        value, kind = right.literal, right.kind
        if left.kind == "interval":
            return functions.interval_condition(op, left.lookup, left.end_lookup, value)
        lookup = left.lookup
        if left.kind == "result":
            column = {
                "number": "result_number",
                "string": "result_string",
                "bool": "result_bool",
                "datetime": "result_string",
            }.get(kind, "result_json")
            lookup = self._result_column(left.lookup, column)
            if kind == "datetime":
                value = value.isoformat().replace("+00:00", "Z")
        if op == "ne":
            return ~Q(**{lookup: value}) | Q(**{f"{lookup}__isnull": True})
        return Q(**{f"{lookup}__{LOOKUPS[op]}": value})

    def compare_expressions(self, op, left: Typed, right: Typed) -> Q:
        if "datetime" in (left.kind, right.kind) or "interval" in (left.kind, right.kind):
            left_expr, right_expr = functions.as_time(left), functions.as_time(right)
        elif "string" in (left.kind, right.kind):
            left_expr, right_expr = functions.as_text(left), functions.as_text(right)
        elif "bool" in (left.kind, right.kind):
            left_expr, right_expr = left.expr, right.expr
        else:
            left_expr, right_expr = functions.as_number(left), functions.as_number(right)
        rhs = right.literal if right.is_literal and right.kind != "bool" else right_expr
        if right.is_literal and isinstance(rhs, datetime):
            rhs = Value(rhs)
        if op == "ne":
            return ~Q(Exact(left_expr, rhs))
        return Q(LOOKUP_CLASSES[op](left_expr, rhs))


def apply_filter(queryset, entity, text: str):
    compiler = Compiler(entity)
    condition = compiler.condition(parse(text, "$filter"))
    if compiler.many:
        # Across a to-many relation: filter ids in a subquery so rows are not repeated.
        ids = entity.model.objects.filter(condition).values("pk")
        return queryset.filter(pk__in=Subquery(ids))
    return queryset.filter(condition)


def order_expressions(entity, text: str) -> list:
    from smartcity.sensors.sta.query import split_top_level

    orderings = []
    for item in split_top_level(text, ","):
        direction = "asc"
        words = item.rsplit(None, 1)
        if len(words) == 2 and words[1].lower() in ("asc", "desc"):
            item, direction = words[0], words[1].lower()
        compiler = Compiler(entity, "$orderby")
        operand = compiler.value(parse(item, "$orderby"))
        if compiler.many:
            raise bad_request("$orderby cannot use a to-many navigation", "$orderby")
        if operand.kind == "result":
            prefix = f"{operand.lookup}__" if operand.lookup else ""
            expressions = [F(prefix + "result_number"), F(prefix + "result_string")]
        elif operand.kind == "geo" or operand.geo_call is not None:
            raise bad_request("$orderby cannot sort by geometry", "$orderby")
        else:
            expressions = [operand.expr]
        for expression in expressions:
            if not hasattr(expression, "asc"):
                expression = Value(expression)
            # No NULLS FIRST/LAST: the database's default lets an index serve the order.
            orderings.append(expression.desc() if direction == "desc" else expression.asc())
    return orderings
