"""JSON helpers for the report form: duplicate hint and address search (GET, public)."""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from smartcity.core.models import City
from smartcity.defects import addresses, services
from smartcity.defects.models import Category

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
    category = (
        Category.objects.filter(city__slug=city, code=query.category, active=True)
        .select_related("city")
        .first()
    )
    if category is None:
        raise HttpError(404, "Diese Kategorie gibt es hier nicht.")
    return [
        {
            "id": report.pk,
            "url": report.get_absolute_url(),
            "category": report.category.name,
            "status": report.status,
            "status_label": str(report.get_status_display()),
            "description": report.description[:200],
            "distance_m": round(report.distance),
            "supporters": report.supporter_count,
            "created_at": report.created_at.isoformat(),
        }
        for report in services.duplicate_candidates(category, query.lat, query.lon)[:5]
    ]


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
