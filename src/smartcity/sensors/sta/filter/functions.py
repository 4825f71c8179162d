"""The functions of ``$filter``: string, maths, time and spatial (OGC 18-088 §9.3.3.5)."""

import re
from datetime import UTC, datetime, timedelta

from django.db.models import (
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import (
    Cast,
    Ceil,
    Concat,
    Extract,
    Floor,
    Length,
    Lower,
    Mod,
    Round,
    StrIndex,
    Substr,
    Trim,
    TruncDate,
    TruncTime,
    Upper,
)
from django.db.models.lookups import Contains, EndsWith, Exact, StartsWith

from smartcity.sensors.sta import geo
from smartcity.sensors.sta.errors import bad_request

PREDICATE_NAMES = {"substringof", "startswith", "endswith", "st_relate", *geo.PREDICATES}
_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


def parse_duration(text: str, field: str) -> timedelta:
    match = _DURATION.match(text)
    if not match or text in ("P", "PT"):
        raise bad_request(f"not an ISO 8601 duration (PnDTnHnMnS): {text!r}", field)
    parts = {key: float(value) for key, value in match.groupdict().items() if value}
    return timedelta(**parts)


def _typed(expr, kind, literal=None):
    from smartcity.sensors.sta.filter.compiler import Typed

    if literal is not None:
        return Typed(expr, kind, literal=literal)
    return Typed(expr, kind)


def as_number(operand):
    if operand.kind == "result":
        return operand.expr
    if operand.kind == "json":
        return Cast(KT(operand.lookup), FloatField())
    return operand.expr


def as_text(operand):
    if operand.kind == "result":
        prefix = f"{operand.lookup}__" if operand.lookup else ""
        return F(prefix + "result_string")
    if operand.kind == "json":
        return KT(operand.lookup)
    return operand.expr


def as_time(operand):
    if operand.kind == "json":
        return Cast(KT(operand.lookup), DateTimeField())
    return operand.expr


def arithmetic(op, left, right):
    if op in ("add", "sub") and "duration" in (left.kind, right.kind):
        if left.kind not in ("datetime", "interval"):
            raise bad_request("only a time can be shifted by a duration", "$filter")
        expr = as_time(left) + right.expr if op == "add" else as_time(left) - right.expr
        return _typed(ExpressionWrapper(expr, output_field=DateTimeField()), "datetime")
    for operand in (left, right):
        if operand.kind in ("string", "bool", "geo", "datetime", "interval"):
            raise bad_request(f"{op} needs numbers, not a {operand.kind}", "$filter")
    if left.is_literal and right.is_literal:
        value = _fold(op, left.literal, right.literal)
        return _typed(Value(value), "number", value)
    a, b = as_number(left), as_number(right)
    if op == "mod":
        expr = Mod(a, b)
    elif op == "div":
        expr = ExpressionWrapper(
            Cast(a, FloatField()) / Cast(b, FloatField()), output_field=FloatField()
        )
    else:
        combined = {"add": a + b, "sub": a - b, "mul": a * b}[op]
        expr = ExpressionWrapper(combined, output_field=FloatField())
    return _typed(expr, "number")


def _fold(op, a, b):
    if op in ("div", "mod") and b == 0:
        raise bad_request("division by zero", "$filter")
    return {
        "add": lambda: a + b,
        "sub": lambda: a - b,
        "mul": lambda: a * b,
        "div": lambda: a / b,
        "mod": lambda: a % b,
    }[op]()


class UnicodeLower(Lower):
    """SQLite's lower() folds only ASCII; ``sta_lower`` (registered in apps.py) folds all."""

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="sta_lower", **extra)


class UnicodeUpper(Upper):
    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="sta_upper", **extra)


class FractionalSeconds(Func):
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        text = f"(CAST(strftime('%%f', {sql}) AS REAL) - CAST(strftime('%%S', {sql}) AS INTEGER))"
        return text, params * 2

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(EXTRACT(MICROSECONDS FROM {sql})::integer %% 1000000) / 1000000.0", params


def _arity(name, args, *counts):
    if len(args) not in counts:
        wanted = " or ".join(str(count) for count in counts)
        raise bad_request(f"{name}() takes {wanted} argument(s), got {len(args)}", "$filter")


def call(compiler, name, args):
    """A value-returning function."""
    if name in ("length", "tolower", "toupper", "trim"):
        _arity(name, args, 1)
        function = {
            "length": Length,
            "tolower": UnicodeLower,
            "toupper": UnicodeUpper,
            "trim": Trim,
        }[name]
        return _typed(function(as_text(args[0])), "number" if name == "length" else "string")
    if name == "concat":
        _arity(name, args, 2)
        return _typed(Concat(as_text(args[0]), as_text(args[1])), "string")
    if name == "indexof":
        _arity(name, args, 2)
        # OData counts from 0, SQL's instr/strpos from 1 (0 = not found → -1).
        expr = StrIndex(as_text(args[0]), as_text(args[1])) - 1
        return _typed(ExpressionWrapper(expr, output_field=IntegerField()), "number")
    if name == "substring":
        _arity(name, args, 2, 3)
        start = as_number(args[1]) + 1
        length = [as_number(args[2])] if len(args) == 3 else []
        return _typed(Substr(as_text(args[0]), start, *length), "string")
    if name in ("round", "floor", "ceiling"):
        _arity(name, args, 1)
        function = {"round": Round, "floor": Floor, "ceiling": Ceil}[name]
        return _typed(function(as_number(args[0])), "number")
    if name in ("year", "month", "day", "hour", "minute", "second"):
        _arity(name, args, 1)
        return _typed(Extract(as_time(args[0]), name, tzinfo=UTC), "number")
    if name == "fractionalseconds":
        _arity(name, args, 1)
        return _typed(FractionalSeconds(as_time(args[0])), "number")
    if name == "date":
        _arity(name, args, 1)
        return _typed(TruncDate(as_time(args[0]), tzinfo=UTC), "date")
    if name == "time":
        _arity(name, args, 1)
        return _typed(TruncTime(as_time(args[0]), tzinfo=UTC), "timeofday")
    if name == "totaloffsetminutes":
        _arity(name, args, 1)
        return _typed(Value(0), "number", 0)  # every time is stored and served in UTC
    if name == "now":
        _arity(name, args, 0)
        now = datetime.now(UTC)
        return _typed(Value(now), "datetime", now)
    if name in ("mindatetime", "maxdatetime"):
        return _min_max_time(name, args)
    if name in geo.MEASURES:
        return _measure(name, args)
    raise bad_request(f"unknown function {name}()", "$filter")


def _min_max_time(name, args):
    _arity(name, args, 0, 1)
    if not args:
        value = datetime.min if name == "mindatetime" else datetime.max
        value = value.replace(tzinfo=UTC)
        return _typed(Value(value), "datetime", value)
    operand = args[0]
    if operand.kind == "interval":
        column = operand.lookup if name == "mindatetime" else operand.end_lookup
        expr = F(column)
        if name == "maxdatetime":
            from django.db.models.functions import Coalesce

            expr = Coalesce(F(operand.end_lookup), F(operand.lookup))
        return _typed(expr, "datetime")
    return _typed(as_time(operand), "datetime")


def _geometry_args(name, args):
    paths = [arg for arg in args if arg.kind == "geo" and not arg.is_literal]
    literals = [arg for arg in args if arg.kind == "geo" and arg.is_literal]
    if len(paths) != 1 or len(paths) + len(literals) != len(args):
        raise bad_request(
            f"{name}() needs one geometry property and geography'…' literals", "$filter"
        )
    return paths[0]


def _measure(name, args):
    if name == "geo.length":
        _arity(name, args, 1)
        owner = _geometry_args(name, args)
        typed = _typed(None, "number")
        typed.geo_call = (owner, geo.MEASURES[name])
        return typed
    _arity(name, args, 2)
    owner = _geometry_args(name, args)
    other = args[1] if args[0] is owner else args[0]
    typed = _typed(None, "number")
    typed.geo_call = (owner, lambda shape: shape.distance(other.literal))
    return typed


def predicate(compiler, name, args) -> Q:
    if name in ("substringof", "startswith", "endswith"):
        _arity(name, args, 2)
        if name == "substringof":  # substringof(needle, haystack)
            haystack, needle = args[1], args[0]
            lookup = Contains
        else:
            haystack, needle = args
            lookup = StartsWith if name == "startswith" else EndsWith
        rhs = needle.literal if needle.is_literal else as_text(needle)
        return Q(lookup(as_text(haystack), rhs))
    if name == "st_relate":
        _arity(name, args, 3)
        if not args[2].is_literal or args[2].kind != "string":
            raise bad_request("st_relate() needs a DE-9IM pattern string", "$filter")
        pattern, args = args[2].literal, args[:2]
        test = geo._relate  # noqa: SLF001 - a plain helper
        owner = _geometry_args(name, args)
        other = args[1] if args[0] is owner else args[0]
        if args[0] is owner:
            function = lambda shape: test(shape, other.literal, pattern)  # noqa: E731
        else:
            function = lambda shape: test(other.literal, shape, pattern)  # noqa: E731
    else:
        _arity(name, args, 2)
        owner = _geometry_args(name, args)
        other = args[1] if args[0] is owner else args[0]
        relation = geo.PREDICATES[name]
        if args[0] is owner:
            function = lambda shape: relation(shape, other.literal)  # noqa: E731
        else:
            function = lambda shape: relation(other.literal, shape)  # noqa: E731
    typed = _typed(None, "bool")
    typed.geo_call = (owner, function)
    return compiler.spatial(typed, lambda value: value is True)


def interval_condition(op, start, end, value) -> Q:
    """Compare a time interval with an instant: gt/ge look at its start, lt/le at its end."""
    if not isinstance(value, datetime):
        raise bad_request("a time must be compared with a time", "$filter")
    open_end = Q(**{f"{end}__isnull": True})
    if op == "eq":
        return Q(**{start: value}) & (open_end | Q(**{end: value}))
    if op == "ne":
        return ~(Q(**{start: value}) & (open_end | Q(**{end: value})))
    if op in ("gt", "ge"):
        return Q(**{f"{start}__{'gt' if op == 'gt' else 'gte'}": value})
    lookup = "lt" if op == "lt" else "lte"
    return (open_end & Q(**{f"{start}__{lookup}": value})) | Q(**{f"{end}__{lookup}": value})


__all__ = ["Exact", "parse_duration"]
