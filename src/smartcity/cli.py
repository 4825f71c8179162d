"""The ``smartcity`` command: Django's management commands plus the platform's own.

smartcity demo [--port 8000]            embedded demo with SQLite, demo data and a worker
smartcity serve [--host] [--port] [--workers] [--threads] [--access-log]
                                        production ASGI server (uvicorn)
smartcity worker                        background job worker (several may run)
smartcity manage <command> [args…]      any Django management command
smartcity <command> [args…]             shorthand for the same, e.g. smartcity token create
"""

from __future__ import annotations

import argparse
import os
import sys

DEMO_LOGIN = ("admin", "smartcity-demo")


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcity.settings")
    import django

    django.setup()


def _manage(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcity.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["smartcity", *argv])
    return 0


def demo(args: argparse.Namespace) -> int:
    # The demo runs over plain HTTP on the loopback address and logs readable text.
    os.environ.setdefault("SMARTCITY_HTTPS", "false")
    os.environ.setdefault("SMARTCITY_LOG_FORMAT", "plain")
    _django_setup()
    from django.conf import settings
    from django.core.management import call_command

    print(f"Datenordner / data folder: {settings.HOME}")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=1)

    cluster = None
    if not args.no_worker:
        from django_q.cluster import Cluster

        cluster = Cluster()
        cluster.start()

    url = f"http://127.0.0.1:{args.port}/"
    print(
        f"\nSmart City Demo: {url}\n"
        f"Anmeldung / login: {DEMO_LOGIN[0]} / {DEMO_LOGIN[1]}  (Verwaltung: {url}admin/)\n"
        "Beenden / stop: Strg+C / Ctrl+C\n",
        flush=True,
    )
    try:
        _run_uvicorn("127.0.0.1", args.port, workers=1, access_log=True)
    finally:
        if cluster is not None:
            cluster.stop()
    return 0


def _run_uvicorn(host: str, port: int, workers: int, access_log: bool) -> None:
    import uvicorn

    uvicorn.run(
        "smartcity.asgi:application",
        host=host,
        port=port,
        workers=workers,
        lifespan="off",
        proxy_headers=True,
        server_header=False,
        log_level="info",
        # One line per request from uvicorn costs ~5 % of a small request's CPU; in
        # production the reverse proxy logs every request already (deploy/nginx).
        access_log=access_log,
    )


def serve(args: argparse.Namespace) -> int:
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several processes: each writes its request metrics to files that /metrics adds up.
        import shutil

        from smartcity import config

        metrics_dir = config.load().home / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    if args.threads:
        # Request threads per worker process (core/asgi_handler.py); default: the pool size.
        os.environ["SMARTCITY_SERVER_THREADS"] = str(args.threads)
    _django_setup()
    _run_uvicorn(args.host, args.port, args.workers, access_log=args.access_log)
    return 0


def worker(args: argparse.Namespace) -> int:
    if args.workers:
        os.environ["SMARTCITY_WORKERS"] = str(args.workers)
    _django_setup()
    from django.core.management import call_command

    from smartcity.core.tasks import sync_schedules

    sync_schedules()
    call_command("qcluster")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smartcity",
        description="Smart-City-Plattform Dortmund Schwerte",
        epilog="Any other command is passed to Django, e.g. 'smartcity token create USER "
        "--scope sta:write' or 'smartcity migrate'.",
    )
    commands = parser.add_subparsers(dest="command")

    demo_parser = commands.add_parser("demo", help="run the demo on the embedded database")
    demo_parser.add_argument("--port", type=int, default=8000)
    demo_parser.add_argument("--no-worker", action="store_true", help="start no job worker")
    demo_parser.set_defaults(handler=demo)

    serve_parser = commands.add_parser("serve", help="run the production web server")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--workers", type=int, default=2)
    serve_parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="request threads per worker process (default: SMARTCITY_SERVER_THREADS, "
        "else the database pool size, 10)",
    )
    serve_parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (off by default: the reverse proxy in front logs them)",
    )
    serve_parser.set_defaults(handler=serve)

    worker_parser = commands.add_parser("worker", help="run a background job worker")
    worker_parser.add_argument("--workers", type=int, default=None, help="processes")
    worker_parser.set_defaults(handler=worker)

    commands.add_parser("manage", help="run a Django management command", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    own = {"demo", "serve", "worker", "-h", "--help"}
    if not argv or argv[0] in own:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help()
            return 0
        return args.handler(args)
    if argv[0] == "manage":
        argv = argv[1:]
    if argv and not argv[0].startswith("-"):
        # `smartcity check-deploy` runs the management command `check_deploy`.
        argv[0] = argv[0].replace("-", "_")
    return _manage(argv)


if __name__ == "__main__":
    raise SystemExit(main())
