from django.conf import settings
from django.shortcuts import get_object_or_404

from smartcity.core.models import City

DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = "© OpenStreetMap-Mitwirkende"


def get_city(slug: str) -> City:
    return get_object_or_404(City, slug=slug)


def tile_url() -> str:
    return getattr(settings, "DEFECTS_TILE_URL", DEFAULT_TILE_URL)


def tile_origin() -> str:
    url = tile_url()
    scheme, _sep, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def map_config(city: City, **extra) -> dict:
    """Data for the map scripts (passed with json_script, never inline code)."""
    return {
        "center": [city.latitude or 51.5, city.longitude or 7.46],
        "boundary": city.boundary,
        "tiles": tile_url(),
        "attribution": getattr(settings, "DEFECTS_TILE_ATTRIBUTION", DEFAULT_TILE_ATTRIBUTION),
        **extra,
    }


def map_csp():
    """The outside tile server may be contacted only after consent, so only its images."""
    from csp.decorators import csp_update

    return csp_update({"img-src": [tile_origin()]})


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")
