"""Query options ($top, $skip, $count, $orderby, $select, $expand, $filter, $resultFormat).

Nested ``$expand`` items carry their own options (``Datastreams($top=1;$orderby=…)``); the path
form ``Datastreams/Sensor`` is the same as ``Datastreams($expand=Sensor)``.
"""

from dataclasses import dataclass, field

from django.conf import settings

from smartcity.sensors.sta.errors import bad_request

KNOWN_OPTIONS = {
    "$top",
    "$skip",
    "$count",
    "$orderby",
    "$select",
    "$expand",
    "$filter",
    "$resultFormat",
}


def default_top() -> int:
    return getattr(settings, "SENSORS_DEFAULT_TOP", 100)


def max_top() -> int:
    return getattr(settings, "SENSORS_MAX_TOP", 10000)


@dataclass
class Options:
    top: int | None = None
    skip: int = 0
    count: bool | None = None
    orderby: str | None = None
    select: list[str] | None = None
    filter: str | None = None
    expand: list["Expand"] = field(default_factory=list)
    result_format: str | None = None


@dataclass
class Expand:
    path: str  # a navigation property of the parent
    options: Options


def split_top_level(text: str, separator: str) -> list[str]:
    """Split at ``separator`` outside parentheses and quoted strings."""
    parts, depth, quoted, current = [], 0, False, []
    for char in text:
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
            if depth < 0:
                raise bad_request(f"unbalanced ')' in {text!r}", "$expand")
        if char == separator and depth == 0 and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if depth != 0 or quoted:
        raise bad_request(f"unbalanced parentheses or quotes in {text!r}", "$expand")
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _integer(name: str, value: str, minimum: int = 0) -> int:
    try:
        number = int(value)
    except ValueError:
        raise bad_request(f"{name} must be a whole number, got {value!r}", name) from None
    if number < minimum:
        raise bad_request(f"{name} must be at least {minimum}", name)
    return number


def parse_options(pairs: dict[str, str], nested: bool = False) -> Options:
    options = Options()
    for name, value in pairs.items():
        if name not in KNOWN_OPTIONS:
            if name.startswith("$"):
                raise bad_request(f"unknown query option {name}", name)
            continue
        if name == "$top":
            options.top = _integer(name, value)
            if options.top > max_top():
                raise bad_request(f"$top must not exceed {max_top()}", "$top")
        elif name == "$skip":
            options.skip = _integer(name, value)
        elif name == "$count":
            if value not in ("true", "false"):
                raise bad_request("$count must be true or false", "$count")
            options.count = value == "true"
        elif name == "$orderby":
            options.orderby = value
        elif name == "$select":
            options.select = [item.strip() for item in value.split(",") if item.strip()]
            if not options.select:
                raise bad_request("$select needs at least one property", "$select")
        elif name == "$filter":
            options.filter = value
        elif name == "$expand":
            options.expand = parse_expand(value)
        elif name == "$resultFormat":
            if nested:
                raise bad_request("$resultFormat is not allowed inside $expand", name)
            options.result_format = value
    return options


def parse_expand(text: str) -> list[Expand]:
    merged: dict[str, Expand] = {}
    for item in split_top_level(text, ","):
        head, _, rest = item.partition("(")
        head = head.strip()
        if rest:
            if not rest.endswith(")"):
                raise bad_request(f"malformed $expand item {item!r}", "$expand")
            inner = {}
            for option in split_top_level(rest[:-1], ";"):
                key, equals, value = option.partition("=")
                if not equals:
                    raise bad_request(f"malformed option {option!r} in $expand", "$expand")
                inner[key.strip()] = value.strip()
            options = parse_options(inner, nested=True)
        else:
            options = Options()
        segments = [segment.strip() for segment in head.split("/")]
        if not all(segments):
            raise bad_request(f"malformed $expand path {head!r}", "$expand")
        # Path form: A/B/C expands A with B nested in it, and so on.
        for segment in reversed(segments[1:]):
            options = Options(expand=[Expand(segment, options)])
        first = segments[0]
        if first in merged:
            merged[first].options.expand.extend(options.expand)
        else:
            merged[first] = Expand(first, options)
    return list(merged.values())
