"""``smartcity serve``: what it hands to uvicorn."""

import pytest

from smartcity import cli


@pytest.mark.parametrize(("argv", "logged"), [([], False), (["--access-log"], True)])
def test_serve_logs_each_request_only_when_asked(monkeypatch, argv, logged):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options, app=app))
    monkeypatch.setattr(cli, "_django_setup", lambda: None)
    args = cli.build_parser().parse_args(["serve", "--workers", "1", *argv])
    assert args.handler(args) == 0
    assert seen["app"] == "smartcity.asgi:application"
    assert seen["access_log"] is logged
    assert seen["workers"] == 1 and seen["proxy_headers"] is True
