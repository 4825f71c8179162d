"""JSON helpers for the report form: duplicate hint and address search (GET, public)."""

import orjson
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from smartcity.core.models import City
from smartcity.defects import addresses, services
from smartcity.defects.models import Category, Status

router = Router(tags=["defects"])


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
    # One query for city and category: this runs on every tap in the report form.
    found = (
        Category.objects.filter(city__slug=city, code=query.category, active=True)
        .select_related("city")
        .order_by()[:1]
    )
    category = found[0] if found else None
    if category is None:
        raise HttpError(404, "Diese Kategorie gibt es hier nicht.")
    labels = {value: str(label) for value, label in Status.choices}
    # Built here in the documented shape (``Candidate``) and sent as is: no schema pass per row.
    candidates = [
        {
            "id": report.pk,
            "url": report.get_absolute_url(),
            "category": report.category.name,
            "status": report.status,
            "status_label": labels[report.status],
            "description": report.description[:200],
            "distance_m": round(report.distance),
            "supporters": report.supporter_count,
            "created_at": report.created_at.isoformat(),
        }
        for report in services.duplicate_candidates(category, query.lat, query.lon)[:5]
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
