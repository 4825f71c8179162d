"""JSON helpers for the report form: duplicate hint and address search (GET, public)."""

import re

import orjson
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from smartcity.core.models import City
from smartcity.defects import addresses, nearby
from smartcity.defects.models import Status

router = Router(tags=["defects"])
PK_MARK = 987654321  # stands for the report id in a URL reversed once per request


class DuplicateQuery(Schema):
    category: str
    lat: float
    lon: float


class Candidate(Schema):
    id: int
    url: str
    category: str
    status: str
    status_label: str
    description: str
    distance_m: int
    supporters: int
    created_at: str


class AddressOut(Schema):
    label: str
    lat: float
    lon: float


@router.get(
    "/defects/{city}/duplicates",
    response=list[Candidate],
    url_name="defects_duplicates",
    summary="Offene Meldungen derselben Kategorie in 50 m Umkreis (letzte 30 Tage)",
)
def duplicates(request, city: str, query: Query[DuplicateQuery]):
    body = duplicates_json(city, query.category, query.lat, query.lon)
    if body is None:
        raise HttpError(404, gettext("Diese Kategorie gibt es hier nicht."))
    return HttpResponse(body, content_type="application/json")


def duplicates_json(city: str, category: str, lat: float, lon: float) -> bytes | None:
    """The duplicate hint's answer body, or None when the city has no such category. The
    endpoint above and its lean answer (``lean_duplicates``) both send this."""
    # One query for category and candidates: this runs on every tap in the report form.
    return duplicates_body(city, nearby.duplicate_hint(city, category, lat, lon))


def duplicates_body(city: str, found) -> bytes | None:
    """The body for ``nearby.duplicate_hint``'s answer ``found`` (also the async one)."""
    if found is None:
        return None
    category_name, rows = found
    if not rows:  # most taps find nothing: no labels to translate, no URL to reverse
        return b"[]"
    labels = {value: str(label) for value, label in Status.choices}
    page = reverse("defects:detail", kwargs={"city": city, "pk": PK_MARK})
    # Built here in the documented shape (``Candidate``) and sent as is: no schema pass per row.
    candidates = [
        {
            "id": pk,
            "url": page.replace(str(PK_MARK), str(pk)),
            "category": category_name,
            "status": status,
            "status_label": labels[status],
            "description": description[:200],
            "distance_m": round(distance),
            "supporters": supporters,
            "created_at": created_at.isoformat(),
        }
        for pk, status, description, distance, supporters, created_at in rows[:5]
    ]
    return orjson.dumps(candidates)


# The duplicate hint in front of Django's middleware chain (core/lean.py; registered in
# DefectsConfig.ready). The path of ``duplicates`` above, as Django resolves it (tested).
DUPLICATES_PATH = re.compile(r"^/api/v1/defects/(?P<city>[^/]+)/duplicates$")
# Numbers as the form sends them; anything else (exponents, "nan", spaces, …) is left to
# ninja's parsing on the normal path, so a lean answer is only given where both agree.
_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,17})?")


def _lean_question(request):
    """``(city, category, lat, lon)`` of a plain question, or None for the endpoint."""
    values = {}
    for name in ("category", "lat", "lon"):
        given = request.query.get(name, ())
        if len(given) != 1:
            return None
        values[name] = given[0]
    if not (_PLAIN_NUMBER.fullmatch(values["lat"]) and _PLAIN_NUMBER.fullmatch(values["lon"])):
        return None
    return request.match["city"], values["category"], float(values["lat"]), float(values["lon"])


def lean_duplicates(request):
    """The lean answer (``core.lean``) of ``duplicates``: the same body for a valid question
    whose category exists; everything else (missing, repeated or unusual parameters, an
    unknown category) goes to the endpoint above, which answers 400 or 404."""
    from smartcity.core.lean import DELEGATE, Answer

    question = _lean_question(request)
    if question is None:
        return DELEGATE
    body = duplicates_json(*question)
    if body is None:
        return DELEGATE
    return Answer(200, body)


async def lean_duplicates_async(request):
    """``lean_duplicates`` on the event loop (PostgreSQL, ``core.lean_db``): the same
    statement, rows and body; when the async connection fails, Django answers."""
    from smartcity.core import lean_db
    from smartcity.core.lean import DELEGATE, Answer

    question = _lean_question(request)
    if question is None:
        return DELEGATE
    city = question[0]
    try:
        found = await nearby.duplicate_hint_async(*question)
    except lean_db.Unavailable:
        return DELEGATE
    body = duplicates_body(city, found)
    if body is None:
        return DELEGATE
    return Answer(200, body)


@router.get(
    "/defects/{city}/addresses",
    response=list[AddressOut],
    url_name="defects_addresses",
    summary="Adresssuche im Adressverzeichnis der Stadt",
)
def address_search(request, city: str, q: str = ""):
    city_obj = get_object_or_404(City, slug=city)
    return [
        {"label": address.label, "lat": address.latitude, "lon": address.longitude}
        for address in addresses.search_addresses(city_obj, q[:100])
    ]
