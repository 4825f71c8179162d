"""``GET /api/v1/map/features.geojson``: the map's Features with the page's filters."""

from django.http import HttpResponse

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
    action_field: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    district: str | None = None,
    partner: str | None = None,
    q: str | None = None,
    bbox: str | None = None,
):
    """All map layers (or ``layer=a,b``) filtered like the map page.

    ``bbox=west,south,east,north`` in degrees. Each Feature's ``properties`` carry ``id``,
    ``layer``, ``title``, ``url``, ``status`` and ``action_field``. City-wide items have
    ``geometry: null`` and are left out when ``bbox`` is given.
    """
    try:
        query = mapfeatures.parse(request.GET)
    except mapfeatures.FilterError as error:
        raise field_errors(error.fields) from error
    return HttpResponse(mapfeatures.feature_collection(query), content_type="application/geo+json")
