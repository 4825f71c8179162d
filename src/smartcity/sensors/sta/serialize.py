"""Entities as the standard shows them: control information, $select, nested $expand, paging."""

from dataclasses import dataclass
from urllib.parse import urlencode

from smartcity.sensors.sta.entities import BY_SET
from smartcity.sensors.sta.errors import bad_request
from smartcity.sensors.sta.filter import apply_filter, order_expressions
from smartcity.sensors.sta.query import Options, default_top
from smartcity.sensors.times import format_instant, format_interval

STREAM_SETS = ("Datastreams", "MultiDatastreams")


@dataclass
class Context:
    base: str  # absolute service root, e.g. http://host/sta/v1.1
    version: str  # "v1.0" or "v1.1"
    visibility: object
    count_mode: str | None = None


def property_value(entity, prop, instance):
    if prop.kind == "id":
        return instance.pk
    if prop.kind == "result":
        return instance.result
    if prop.kind == "time":
        return format_instant(getattr(instance, prop.column))
    if prop.kind == "interval":
        start = getattr(instance, f"{prop.column}_start")
        end = getattr(instance, f"{prop.column}_end")
        if entity.set_name in STREAM_SETS and start is not None:
            # A Datastream's times are always periods, even when they collapse to an instant.
            return f"{format_instant(start)}/{format_instant(end or start)}"
        return format_interval(start, end)
    return getattr(instance, prop.column)


def _visible_props(entity, version):
    return [p for p in entity.props if version != "v1.0" or not p.since_11]


def check_select(entity, select):
    allowed = {p.name for p in entity.props} | set(entity.rel_map) | {"id", "@iot.id"}
    allowed |= {"@iot.selfLink"}
    for name in select or []:
        if name not in allowed:
            raise bad_request(f"{entity.name} has no property {name!r} to $select", "$select")


def ordered(entity, queryset, options: Options):
    if options.filter:
        queryset = apply_filter(queryset, entity, options.filter)
    orderings = order_expressions(entity, options.orderby) if options.orderby else []
    return queryset.order_by(*orderings, "pk")


def entity_json(entity, instance, options: Options, ctx: Context) -> dict:
    self_link = f"{ctx.base}/{entity.set_name}({instance.pk})"
    select = options.select
    body = {}
    if not select or "id" in select or "@iot.id" in select:
        body["@iot.id"] = instance.pk
    if not select or "@iot.selfLink" in select:
        body["@iot.selfLink"] = self_link
    for prop in _visible_props(entity, ctx.version):
        if not select or prop.name in select:
            body[prop.name] = property_value(entity, prop, instance)
    if entity.set_name == "Observations" and "resultTime" in body and body["resultTime"] is None:
        body["resultTime"] = None  # always present, null when unknown
    for rel in entity.rels:
        if rel.name in ("MultiDatastreams", "MultiDatastream") and ctx.version == "v1.0":
            continue
        if not select or rel.name in select:
            body[f"{rel.name}@iot.navigationLink"] = f"{self_link}/{rel.name}"
    return body


def collection_page(entity, queryset, options: Options, ctx: Context, link_base: str, params):
    """One page of a collection: value, optional @iot.count and absolute @iot.nextLink."""
    check_select(entity, options.select)
    queryset = ordered(entity, queryset, options)
    top = default_top() if options.top is None else options.top
    window = queryset[options.skip : options.skip + top + 1]
    page = {}
    if options.count:
        from smartcity.sensors.sta.counting import count

        page.update(count(queryset, ctx.count_mode))
    if entity.set_name == "Observations" and not options.expand and ctx.version != "v1.0":
        from smartcity.sensors.sta import fast

        values = fast.observations(window, options.select, ctx.base)
        more = len(values) > top
        page["value"] = values[:top]
    else:
        rows = list(window)
        more = len(rows) > top
        page["value"] = serialize_many(entity, rows[:top], options, ctx)
    if more:
        next_params = dict(params)
        next_params["$top"] = str(top)
        next_params["$skip"] = str(options.skip + top)
        page["@iot.nextLink"] = f"{link_base}?{urlencode(next_params, safe='$(),/')}"
    return page


def serialize_many(entity, rows, options: Options, ctx: Context) -> list[dict]:
    bodies = [entity_json(entity, row, options, ctx) for row in rows]
    for item in options.expand:
        expand(entity, rows, bodies, item, ctx)
    return bodies


def expand(entity, rows, bodies, item, ctx: Context):
    rel = entity.rel_map.get(item.path)
    if rel is None:
        raise bad_request(f"{entity.name} has no navigation {item.path!r} to $expand", "$expand")
    target = BY_SET[rel.target]
    check_select(target, item.options.select)
    if not rel.many:
        ids = {getattr(row, f"{rel.lookup}_id") for row in rows} - {None}
        queryset = ctx.visibility.restrict(target, target.model.objects.filter(pk__in=ids))
        if item.options.filter:
            queryset = apply_filter(queryset, target, item.options.filter)
        by_id = {obj.pk: obj for obj in queryset}
        found = list(by_id.values())
        serialized = dict(zip(by_id, serialize_many(target, found, item.options, ctx), strict=True))
        for row, body in zip(rows, bodies, strict=True):
            related = serialized.get(getattr(row, f"{rel.lookup}_id"))
            if related is not None:
                body[rel.name] = related
        return
    # To-many: one index-backed query per parent (the latest-value case stays cheap: each is a
    # LIMIT on the (datastream, phenomenon_time_start) index).
    for row, body in zip(rows, bodies, strict=True):
        queryset = target.model.objects.filter(**{rel.reverse: row.pk})
        queryset = ctx.visibility.restrict(target, queryset)
        link_base = f"{ctx.base}/{entity.set_name}({row.pk})/{rel.name}"
        page = collection_page(target, queryset, item.options, ctx, link_base, {})
        body[rel.name] = page["value"]
        if "@iot.count" in page:
            body[f"{rel.name}@iot.count"] = page["@iot.count"]
        if "@iot.nextLink" in page:
            body[f"{rel.name}@iot.nextLink"] = page["@iot.nextLink"]
