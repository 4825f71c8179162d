"""The map's tile server: the city's own, or OpenStreetMap only after consent."""

from urllib.parse import urlsplit

from django.conf import settings

OSM_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-Mitwirkende'
)


def tile_config() -> dict:
    url = getattr(settings, "SMARTCITY_MAP_TILES_URL", "") or OSM_TILES_URL
    is_osm = urlsplit(url).hostname in ("tile.openstreetmap.org",)
    attribution = getattr(settings, "SMARTCITY_MAP_TILES_ATTRIBUTION", "") or (
        OSM_ATTRIBUTION if is_osm else ""
    )
    # A third-party host gets a request only after the visitor agreed (TDDDG/DSGVO).
    own_server = not urlsplit(url).hostname or not is_osm
    return {"url": url, "attribution": attribution, "needs_consent": not own_server}


def allow_tiles(response):
    """Let the page load images from the tile host (CSP img-src), nothing else."""
    parts = urlsplit(tile_config()["url"])
    if parts.scheme and parts.hostname:
        origin = f"{parts.scheme}://{parts.netloc}".replace("{s}.", "*.")
        response._csp_update = {"img-src": [origin]}
    return response
