"""Fetching a POSTed ``media_url`` without letting callers reach our internal network.

The host name is resolved once; every address it resolves to must be public (not private,
loopback, link-local, multicast, reserved, shared or IPv4-mapped versions of those), and the
connection then goes to exactly that address. A name that answers with a public address to
the check and an internal one to the connection (DNS rebinding) therefore cannot steer us
inside. HTTPS still checks the certificate against the host name (SNI too). No redirects
are followed; at most ``photos.MAX_BYTES`` are read, within ``TIMEOUT_S`` per step.
"""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings

from smartcity.defects import photos
from smartcity.defects.open311.formats import Open311Error

TIMEOUT_S = 10


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (one DNS lookup)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(info[4][0] for info in infos))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a fixed address; ``Host`` stays the name from the URL."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a fixed address; certificate and SNI checked against the name."""

    def __init__(self, host, port, address, timeout):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def fetch(url: str) -> bytes:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise Open311Error(400, "media_url: expected an http(s) URL") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Open311Error(400, "media_url: expected an http(s) URL")
    host = parts.hostname
    addresses = resolve(host, port)
    if not addresses:
        raise Open311Error(400, "media_url: the host name could not be resolved")
    allowed = host in set(getattr(settings, "DEFECTS_MEDIA_URL_HOSTS", ()))
    if not allowed and not all(is_public(address) for address in addresses):
        raise Open311Error(400, "media_url: this host cannot be fetched")
    connection_class = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = connection_class(host, port, addresses[0], TIMEOUT_S)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", path, headers={"Accept": "image/*", "User-Agent": "smartcity"})
        response = connection.getresponse()
        if response.status != 200:
            raise Open311Error(400, f"media_url: the server answered {response.status}")
        data = response.read(photos.MAX_BYTES + 1)
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise Open311Error(400, "media_url: the photo could not be fetched") from error
    finally:
        connection.close()
    if len(data) > photos.MAX_BYTES:
        raise Open311Error(400, "media_url: " + photos.too_large_message(photos.MAX_BYTES))
    return data
