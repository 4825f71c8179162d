# ruff: noqa: S311 - random choices of test targets, not cryptography
"""The load generator of ``bench/load/loadtest.py``: an open-loop HTTP client in its own process.

Requests arrive as independent Poisson streams, one per kind of request, at ``multiple`` times
the expected real load of Dortmund and Schwerte (``REAL_LOAD`` below; the derivation is in
docs/scaling.md). Latency is measured from the moment a request was due, not from when a
connection became free, so a server that falls behind shows it in the percentiles (no
coordinated omission). Keep-alive HTTP/1.1 over a bounded pool of connections, asyncio, no
third-party packages.

    python bench/load/client.py --port 8000 --targets targets.json --multiple 10 --seconds 40

Prints one JSON object: per route group the requests, errors, achieved rate and p50/p95/p99.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class Kind:
    name: str
    group: str
    rate: float  # requests per second at 1× real load (peak hour)
    build: object  # (targets, rng) -> (method, path, headers, body, observations)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _get(path):
    return "GET", path, {}, b"", 0


def _json_post(path, payload, token, observations):
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    return "POST", path, headers, json.dumps(payload).encode(), observations


def project_page(t, rng):
    return _get(rng.choice(t["projects"]))


def project_list(t, rng):
    return _get(f"/{rng.choice(t['cities'])}/projekte/")


def map_page(t, rng):
    return _get(f"/{rng.choice(t['cities'])}/karte/")


def map_geojson(t, rng):
    """What the map page's script asks for: its default layers, and in one of five cases a
    layer someone switched on (defect reports, sensors, …) or every layer at once."""
    city = rng.choice(t["cities"])
    layers = t.get("map_default_layers", "")
    if rng.random() < 0.2:
        layers = rng.choice([*t.get("map_opt_in_layers", []), ""])
    query = urlencode({"city": city, "layer": layers} if layers else {"city": city})
    return _get(f"/api/v1/map/features.geojson?{query}")


def sta_latest_hour(t, rng):
    stream = rng.choice(t["school_streams"])
    query = urlencode(
        {"$top": "60", "$orderby": "phenomenonTime desc", "$select": "phenomenonTime,result"},
        quote_via=quote,
    )
    return _get(f"/sta/v1.1/Datastreams({stream})/Observations?{query}")


def sta_thing(t, rng):
    expand = "Datastreams($select=id,name,unitOfMeasurement)"
    query = urlencode({"$expand": expand}, quote_via=quote)
    return _get(f"/sta/v1.1/Things({rng.choice(t['things'])})?{query}")


def school_batch(t, rng):
    """One school's gateway: every classroom device's CO2, temperature and humidity."""
    school = rng.choice(t["schools"])
    when = _now()
    payload = [
        {
            "Datastream": {"@iot.id": stream},
            "components": ["phenomenonTime", "result"],
            "dataArray": [[when, round(rng.uniform(400, 2000), 0)]],
        }
        for stream in school
    ]
    return _json_post("/sta/v1.1/CreateObservations", payload, t["sta_token"], len(school))


def bridge_batch(t, rng):
    """One bridge's data logger: one value per channel (strain, tilt, temperature, …)."""
    bridge = rng.choice(t["bridges"])
    when = _now()
    payload = [
        {
            "Datastream": {"@iot.id": stream},
            "components": ["phenomenonTime", "result"],
            "dataArray": [[when, round(rng.gauss(0, 50), 3)]],
        }
        for stream in bridge
    ]
    return _json_post("/sta/v1.1/CreateObservations", payload, t["sta_token"], len(bridge))


def climate_single(t, rng):
    """A climate station posts each value on its own (the simplest device firmware)."""
    stream = rng.choice(t["climate_streams"])
    payload = {"phenomenonTime": _now(), "result": round(rng.uniform(-5, 35), 2)}
    return _json_post(f"/sta/v1.1/Datastreams({stream})/Observations", payload, t["sta_token"], 1)


def open311_list(t, rng):
    city = rng.choice(t["cities"])
    code = rng.choice(t["service_codes"])
    return _get(f"/{city}/open311/v2/requests.json?status=open&service_code={code}")


def open311_detail(t, rng):
    city, pk = rng.choice(t["reports"])
    return _get(f"/{city}/open311/v2/requests/{pk}.json")


def open311_post(t, rng):
    city = rng.choice(t["cities"])
    south, west, north, east = t["extent"][city]
    body = urlencode(
        {
            "api_key": t["open311_token"],
            "service_code": rng.choice(t["service_codes"]),
            "lat": f"{rng.uniform(south, north):.6f}",
            "long": f"{rng.uniform(west, east):.6f}",
            "description": "Lasttest: Schlagloch auf dem Radweg vor der Hausnummer 12.",
            "email": "lasttest@example.org",
        }
    ).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return "POST", f"/{city}/open311/v2/requests.json", headers, body, 0


def slots(t, rng):
    return _get(f"/api/v1/appointments/slots?service={rng.choice(t['services'])}&days=7")


def ckan_search(t, rng):
    return _get(f"/api/3/action/package_search?q={quote(rng.choice(t['words']))}&rows=10")


# Expected real load of Dortmund and Schwerte at the busiest hour, requests per second
# (derived in docs/scaling.md, section "Expected real load").
REAL_LOAD = [
    Kind("project page", "pages", 0.8, project_page),
    Kind("project list", "pages", 0.3, project_list),
    Kind("map page", "pages", 0.3, map_page),
    Kind("map GeoJSON", "map-geojson", 0.9, map_geojson),
    Kind("STA last hour of a room", "sta-read", 0.5, sta_latest_hour),
    Kind("STA Thing with Datastreams", "sta-read", 0.2, sta_thing),
    Kind("STA school batch (120 obs)", "sta-ingest", 3.0, school_batch),
    Kind("STA bridge batch (26 obs)", "sta-ingest", 0.5, bridge_batch),
    Kind("STA single observation", "sta-ingest", 80 * 4 / 300, climate_single),
    Kind("Open311 list", "open311-read", 0.4, open311_list),
    Kind("Open311 request", "open311-read", 0.2, open311_detail),
    Kind("Open311 new request", "open311-post", 0.005, open311_post),
    Kind("appointment slots", "slots", 0.4, slots),
    Kind("CKAN package_search", "ckan", 0.1, ckan_search),
]


def real_load_summary() -> dict:
    groups: dict[str, float] = {}
    for kind in REAL_LOAD:
        groups[kind.group] = groups.get(kind.group, 0.0) + kind.rate
    return groups


async def read_response(reader) -> tuple[int, int, bool]:
    """Status, body length and whether the server keeps the connection open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    keep = headers.get("connection", "").lower() != "close"
    if status in (204, 304) or status < 200:
        return status, 0, keep
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        return status, len(body), keep
    if headers.get("transfer-encoding", "").lower() == "chunked":
        size = 0
        while True:
            line = await reader.readuntil(b"\r\n")
            chunk = int(line.split(b";")[0], 16)
            if chunk == 0:
                await reader.readuntil(b"\r\n")
                return status, size, keep
            size += len(await reader.readexactly(chunk))
            await reader.readexactly(2)
    body = await reader.read()
    return status, len(body), False


class Pool:
    def __init__(self, port: int, size: int):
        self.port = port
        self.idle: list = []
        self.slots = asyncio.Semaphore(size)

    async def request(self, method, path, headers, body) -> int:
        lines = [f"{method} {path} HTTP/1.1", f"Host: localhost:{self.port}"]
        lines += [f"{key}: {value}" for key, value in headers.items()]
        lines += [f"Content-Length: {len(body)}", "", ""]
        data = "\r\n".join(lines).encode("latin-1") + body
        async with self.slots:
            reused = bool(self.idle)
            if reused:
                reader, writer = self.idle.pop()
            else:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                writer.write(data)
                status, _size, keep = await read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                if not reused:
                    raise
                # The server closed an idle keep-alive connection: once more on a new one.
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                try:
                    writer.write(data)
                    status, _size, keep = await read_response(reader)
                except BaseException:
                    writer.close()
                    raise
            except BaseException:
                writer.close()
                raise
            if keep:
                self.idle.append((reader, writer))
            else:
                writer.close()
            return status


def active(args) -> list[Kind]:
    left_out = set(filter(None, (args.without or "").split(",")))
    return [kind for kind in REAL_LOAD if kind.group not in left_out]


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(args, targets) -> dict:
    rng = random.Random(args.seed)
    pool = Pool(args.port, args.connections)
    # Arrival times of every kind over the whole step (Poisson: exponential gaps).
    arrivals = []
    for kind in active(args):
        rate = kind.rate * args.multiple
        moment = rng.expovariate(rate)
        while moment < args.seconds:
            arrivals.append((moment, kind))
            moment += rng.expovariate(rate)
    arrivals.sort(key=lambda item: item[0])
    results: list[tuple[str, str, float, int, int]] = []
    failures: dict[str, int] = {}

    async def one(due: float, kind: Kind, measured: bool):
        method, path, headers, body, observations = kind.build(targets, rng)
        try:
            status = await asyncio.wait_for(
                pool.request(method, path, headers, body), timeout=args.timeout
            )
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            status = 0
            failures[type(error).__name__] = failures.get(type(error).__name__, 0) + 1
        if measured:
            took = time.perf_counter() - due
            results.append((kind.group, kind.name, took, status, observations))

    began = time.perf_counter()
    tasks = []
    for moment, kind in arrivals:
        due = began + moment
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due, kind, moment >= args.warmup)))
    sent_until = time.perf_counter() - began
    await asyncio.gather(*tasks)
    window = args.seconds - args.warmup
    groups: dict[str, dict] = {}
    for group in dict.fromkeys(kind.group for kind in active(args)):
        rows = [row for row in results if row[0] == group]
        ok = [row for row in rows if 200 <= row[3] < 300]
        latencies = [row[2] for row in rows]
        groups[group] = {
            "requests": len(rows),
            "errors": len(rows) - len(ok),
            "statuses": sorted({row[3] for row in rows if not 200 <= row[3] < 300}),
            "rate": len(rows) / window,
            "real_rate": sum(k.rate for k in REAL_LOAD if k.group == group),
            "p50": percentile(latencies, 0.50),
            "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99),
            "observations": sum(row[4] for row in ok),
        }
    latencies = [row[2] for row in results]
    return {
        "multiple": args.multiple,
        "seconds": window,
        "offered_rate": sum(k.rate for k in active(args)) * args.multiple,
        "rate": len(results) / window,
        "sent_until": sent_until,
        "requests": len(results),
        "errors": sum(group["errors"] for group in groups.values()),
        "failures": failures,
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "observations": sum(group["observations"] for group in groups.values()),
        "groups": groups,
    }


async def sequential(args, targets) -> dict:
    """Each kind of request alone, one after the other: the unloaded latency (median, s).

    Each kind is sent ``args.sequential`` times untimed first, as the steps have their
    warm-up: the first requests of a fresh worker pay its connection, prepared statements
    and caches, which is not what a request costs in a running server."""
    rng = random.Random(args.seed)
    pool = Pool(args.port, 1)
    medians = {}
    for kind in REAL_LOAD:
        for _run in range(args.sequential):
            method, path, headers, body, _observations = kind.build(targets, rng)
            await pool.request(method, path, headers, body)
        took, statuses = [], set()
        for _run in range(args.sequential):
            method, path, headers, body, _observations = kind.build(targets, rng)
            began = time.perf_counter()
            statuses.add(await pool.request(method, path, headers, body))
            took.append(time.perf_counter() - began)
        medians[kind.name] = {"median": percentile(took, 0.5), "statuses": sorted(statuses)}
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--targets", required=True, help="JSON written by loadtest.py")
    parser.add_argument("--multiple", type=float, default=1.0, help="× the real load")
    parser.add_argument("--seconds", type=float, default=40.0, help="length of the step")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds not measured")
    parser.add_argument("--connections", type=int, default=64, help="keep-alive connections")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--without", default="", help="route groups left out, comma-separated")
    parser.add_argument("--sequential", type=int, default=0, help="only N of each kind alone")
    args = parser.parse_args()
    with open(args.targets, encoding="utf-8") as handle:
        targets = json.load(handle)
    if args.sequential:
        print(json.dumps(asyncio.run(sequential(args, targets))))
    else:
        print(json.dumps(asyncio.run(run(args, targets))))


if __name__ == "__main__":
    main()
