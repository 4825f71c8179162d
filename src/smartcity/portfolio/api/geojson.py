"""``GET /api/v1/map/features.geojson``: the map's Features with the page's filters."""

from typing import Annotated

from django.http import HttpResponse
from ninja import Query

from smartcity.portfolio.api.common import field_errors, router
from smartcity.portfolio.services import mapfeatures


@router.get(
    "/map/features.geojson",
    url_name="map_features",
    summary="Kartenobjekte als GeoJSON",
    openapi_extra={
        "responses": {
            200: {
                "description": "GeoJSON FeatureCollection",
                "content": {"application/geo+json": {}},
            }
        }
    },
)
def map_features(
    request,
    city: str | None = None,
    layer: str | None = None,
    action_field: Annotated[list[str] | None, Query()] = None,
    kind: Annotated[list[str] | None, Query()] = None,
    status: Annotated[list[str] | None, Query()] = None,
    district: Annotated[list[str] | None, Query()] = None,
    partner: Annotated[list[str] | None, Query()] = None,
    q: str | None = None,
    bbox: str | None = None,
):
    """All map layers (or ``layer=a,b``) filtered like the map page.

    ``action_field``, ``kind``, ``status``, ``district`` and ``partner`` may be repeated
    (``?status=planned&status=pilot``): an item matches one of the values (at most 20 each).
    ``bbox=west,south,east,north`` in degrees. Each Feature's ``properties`` carry ``id``,
    ``layer``, ``title``, ``url``, ``status`` and ``action_field``. City-wide items have
    ``geometry: null`` and are left out when ``bbox`` is given.
    """
    try:
        query = mapfeatures.parse(request.GET)
    except mapfeatures.FilterError as error:
        raise field_errors(error.fields) from error
    return HttpResponse(mapfeatures.feature_collection(query), content_type="application/geo+json")
