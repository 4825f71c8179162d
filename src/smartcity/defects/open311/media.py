"""Fetching a POSTed ``media_url`` without letting callers reach our internal network."""

import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings

from smartcity.defects import photos
from smartcity.defects.open311.formats import Open311Error

TIMEOUT_S = 10


def _is_public(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return False
    return True


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect could lead to an internal address after the check; callers send the final URL.
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str) -> bytes:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Open311Error(400, "media_url: expected an http(s) URL")
    allowed = set(getattr(settings, "DEFECTS_MEDIA_URL_HOSTS", ()))
    if parts.hostname not in allowed and not _is_public(parts.hostname):
        raise Open311Error(400, "media_url: this host cannot be fetched")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url), timeout=TIMEOUT_S) as response:  # noqa: S310
            if response.status != 200:
                raise Open311Error(400, f"media_url: the server answered {response.status}")
            data = response.read(photos.MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise Open311Error(400, "media_url: the photo could not be fetched") from error
    if len(data) > photos.MAX_BYTES:
        raise Open311Error(400, "media_url: " + photos.too_large_message(photos.MAX_BYTES))
    return data
