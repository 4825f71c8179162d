"""The core part of the JSON API: cities, districts, the caller, health."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from smartcity.core.api_auth import TokenAuth
from smartcity.core.models import City
from smartcity.core.pagination import Page

router = Router(tags=["Städte"])


class CityOut(Schema):
    slug: str
    name: str
    municipality_key: str
    state: str
    website: str
    latitude: float | None
    longitude: float | None


class DistrictOut(Schema):
    slug: str
    name: str
    number: int | None
    has_boundary: bool

    @staticmethod
    def resolve_has_boundary(obj) -> bool:
        return obj.boundary is not None


class TokenInfo(Schema):
    username: str
    token_name: str
    scopes: list[str]


@router.get("/cities", response=list[CityOut], summary="Alle Städte")
@paginate(Page)
def list_cities(request):
    return City.objects.all()


@router.get("/cities/{slug}", response=CityOut, summary="Eine Stadt")
def get_city(request, slug: str):
    return get_object_or_404(City, slug=slug)


@router.get("/cities/{slug}/districts", response=list[DistrictOut], summary="Stadtbezirke")
@paginate(Page)
def list_districts(request, slug: str):
    city = get_object_or_404(City, slug=slug)
    return city.districts.all()


@router.get("/me", response=TokenInfo, auth=TokenAuth(), tags=["Zugang"], summary="Wer bin ich?")
def who_am_i(request):
    token = request.auth
    return {"username": token.user.username, "token_name": token.name, "scopes": token.scopes}
