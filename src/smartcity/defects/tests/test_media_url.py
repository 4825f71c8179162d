"""``media_url`` fetching: resolved once, internal addresses refused, connected to the
address that was checked (no DNS rebinding), host name kept for Host/TLS."""

import http.server
import ipaddress
import socket
import threading

import pytest

from smartcity.defects.open311 import media
from smartcity.defects.open311.formats import Open311Error
from smartcity.defects.tests.factories import jpeg_with_gps


@pytest.fixture
def photo_server():
    body = jpeg_with_gps()
    seen_hosts = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            seen_hosts.append(self.headers["Host"])
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], body, seen_hosts
    server.shutdown()


def fake_dns(monkeypatch, *answers):
    """Each lookup gets the next answer (the last one repeats); returns the call log."""
    calls = []

    def getaddrinfo(host, port, *args, **kwargs):
        try:  # a numeric address (the connection to the checked one) needs no name server
            answer = [str(ipaddress.ip_address(host))]
        except ValueError:
            answer = answers[min(len(calls), len(answers) - 1)]
            calls.append(host)
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answer
        ]

    monkeypatch.setattr(media.socket, "getaddrinfo", getaddrinfo)
    return calls


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1::1", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.10", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 - an address under test, not a bind
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
    ],
)
def test_only_public_addresses_count_as_public(address, public):
    assert media.is_public(address) is public


def test_a_name_with_one_internal_address_is_refused(monkeypatch):
    calls = fake_dns(monkeypatch, ["93.184.216.34", "10.0.0.5"])
    with pytest.raises(Open311Error, match="cannot be fetched"):
        media.fetch("http://photos.example/a.jpg")
    assert calls == ["photos.example"]


def test_dns_rebinding_cannot_steer_the_connection_inside(monkeypatch):
    # The first answer is public, every later one internal: a rebinding name server.
    calls = fake_dns(monkeypatch, ["93.184.216.34"], ["127.0.0.1"])
    connected = []

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        raise OSError("no network in the test")

    monkeypatch.setattr(media.socket, "create_connection", create_connection)
    with pytest.raises(Open311Error, match="could not be fetched"):
        media.fetch("http://rebind.example:8080/a.jpg")
    assert calls == ["rebind.example"]  # resolved once
    assert connected == [("93.184.216.34", 8080)]  # and connected to what was checked


def test_the_checked_address_is_used_and_the_name_kept(monkeypatch, settings, photo_server):
    port, body, seen_hosts = photo_server
    settings.DEFECTS_MEDIA_URL_HOSTS = ["photos.example"]  # an internal partner host
    calls = fake_dns(monkeypatch, ["127.0.0.1"])
    assert media.fetch(f"http://photos.example:{port}/foto.jpg?size=large") == body
    assert calls == ["photos.example"]
    assert seen_hosts == [f"photos.example:{port}"]


@pytest.mark.parametrize(
    "url", ["ftp://example.org/a.jpg", "http:///a.jpg", "http://[::1/a.jpg", "http://x:99999/"]
)
def test_urls_that_are_not_http_are_refused(url):
    with pytest.raises(Open311Error, match="media_url"):
        media.fetch(url)


def test_an_unresolvable_name_is_refused(monkeypatch):
    fake_dns(monkeypatch, [])
    with pytest.raises(Open311Error, match="could not be resolved"):
        media.fetch("http://nowhere.example/a.jpg")
