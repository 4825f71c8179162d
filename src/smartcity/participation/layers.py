"""Published ideas as a layer of the city map."""

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smartcity.core import search
from smartcity.core.models import City, District
from smartcity.core.registries import MapLayer, map_layers
from smartcity.participation.models import Idea
from smartcity.participation.models.ideas import PUBLIC_STATUSES
from smartcity.participation.services import mapideas
from smartcity.portfolio.models import ActionField

IDEA_FILTERS = frozenset({"status", "district", "action_field", "q", "bbox"})
PUBLIC = [str(status) for status in PUBLIC_STATUSES]


def idea_sql(city, filters) -> tuple[str, list]:
    """SQL and parameters of the ideas on the map matching ``filters``: published, with a
    location, newest first (the model's ordering); ``(pk, title, status, longitude, latitude,
    supports, city slug, action field slug)`` per row.

    Built directly rather than as an ORM query: building that took most of the layer's time
    in a filtered map request. ``test_map_layer`` checks it against the ORM query.
    """
    quote = connection.ops.quote_name
    params: list = []

    def listed(values) -> str:
        params.extend(values)
        return "(" + ", ".join(["%s"] * len(values)) + ")"

    fields = filters.any_of("action_field")
    # A filter on the action field needs one (the ORM's INNER JOIN); otherwise ideas without
    # one are shown too.
    field_join = "JOIN" if fields else "LEFT JOIN"
    conditions = [f"i.status IN {listed(PUBLIC)}", "i.longitude IS NOT NULL"]
    if city is not None:
        conditions.append("i.city_id = %s")
        params.append(city.pk)
    statuses = filters.any_of("status")
    if statuses:
        conditions.append(f"i.status IN {listed(statuses)}")
    districts = filters.any_of("district")
    if districts:
        conditions.append(
            f"i.district_id IN (SELECT id FROM {quote(District._meta.db_table)}"  # noqa: S608
            f" WHERE slug IN {listed(districts)})"
        )
    if fields:
        conditions.append(f"a.slug IN {listed(fields)}")
    searched, terms = search.sql_conditions("i.search_text", filters.q)
    conditions.extend(searched)
    params.extend(terms)
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        conditions.append(
            "i.longitude >= %s AND i.longitude <= %s AND i.latitude >= %s AND i.latitude <= %s"
        )
        params.extend([min_lon, max_lon, min_lat, max_lat])
    # Below: names and placeholders only in the SQL text; every value is a parameter.
    sql = (
        "SELECT i.id, i.title, i.status, i.longitude, i.latitude, i.supports_count,"  # noqa: S608
        f" c.slug, a.slug FROM {quote(Idea._meta.db_table)} i"
        f" JOIN {quote(City._meta.db_table)} c ON c.id = i.city_id"
        f" {field_join} {quote(ActionField._meta.db_table)} a ON a.id = i.action_field_id"
        f" WHERE {' AND '.join(conditions)}"
        " ORDER BY i.created_at DESC, i.id DESC"
    )
    return sql, params


def idea_features(city, filters):
    """Published ideas with a location as Features (one query, plain values; none while
    the city has no such idea, see ``services.mapideas``)."""
    if not mapideas.may_have_ideas(city):
        return
    with connection.cursor() as cursor:
        cursor.execute(*idea_sql(city, filters))
        rows = cursor.fetchall()
    if not rows:
        return
    # One reverse() for all: the URL pattern with placeholders filled per idea.
    url = reverse("participation:idea", kwargs={"city": "CITY", "pk": 1})
    head, tail = url.rsplit("/1/", 1)
    for pk, title, status, lon, lat, supports, city_slug, field in rows:
        yield {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "id": pk,
                "layer": "ideas",
                "title": title,
                "url": f"{head.replace('CITY', city_slug)}/{pk}/{tail}",
                "status": status,
                "action_field": field,
                "supports": supports,
            },
        }


def register() -> None:
    map_layers.register(
        "ideas",
        MapLayer(
            name="ideas",
            label=_("Ideen aus der Bürgerschaft"),
            features=idea_features,
            filters=IDEA_FILTERS,
            order=300,
            visible_by_default=False,
            colour="#8a4b00",
            statuses=frozenset(str(status) for status in PUBLIC_STATUSES),
            multi_value=True,
        ),
    )
