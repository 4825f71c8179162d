"""JSON helpers for the report form: duplicate hint and address search (GET, public)."""

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
    # One query for category and candidates: this runs on every tap in the report form.
    found = nearby.duplicate_hint(city, query.category, query.lat, query.lon)
    if found is None:
        raise HttpError(404, gettext("Diese Kategorie gibt es hier nicht."))
    category_name, rows = found
    if not rows:  # most taps find nothing: no labels to translate, no URL to reverse
        return HttpResponse(b"[]", content_type="application/json")
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
    return HttpResponse(orjson.dumps(candidates), content_type="application/json")


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
