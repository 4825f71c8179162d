"""Two shortcuts beyond the standard: ``…/Observations/$aggregate`` and ``…/Datastreams/$latest``.

``GET /sta/v1.1/Datastreams(1)/Observations/$aggregate?interval=PT1H&stats=mean,min,max,count
&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`` answers::

    {"Datastream@iot.navigationLink": "…/Datastreams(1)", "interval": "PT1H",
     "from": "…", "to": "…", "stats": ["mean", "min", "max", "count"],
     "unitOfMeasurement": {…},
     "value": [{"phenomenonTime": "2026-01-01T00:00:00Z/2026-01-01T01:00:00Z",
                "mean": 12.3, "min": 10.0, "max": 14.5, "count": 60}, …]}

Only intervals with observations appear; buckets are aligned to full UTC intervals since the
Unix epoch; mean/min/max/sum use numeric results only, count counts every observation.

``GET /sta/v1.1/Things(1)/Datastreams/$latest`` is the Datastreams collection with each one's
latest Observation expanded (the same as
``$expand=Observations($top=1;$orderby=phenomenonTime desc)``), answered with one indexed
lookup per Datastream.
"""

import orjson

from smartcity.sensors import services
from smartcity.sensors.sta.errors import bad_request, not_found
from smartcity.sensors.sta.filter.functions import parse_duration
from smartcity.sensors.sta.query import Expand, Options, parse_options
from smartcity.sensors.sta.resources import resolve
from smartcity.sensors.times import format_instant, parse_instant

LATEST = Expand("Observations", Options(top=1, orderby="phenomenonTime desc"))


def answer(request, path: str, ctx) -> bytes:
    """The ``$aggregate`` answer as JSON bytes."""
    parent_path = path.rstrip("/")[: -len("$aggregate")].rstrip("/")
    if not parent_path.endswith("Observations"):
        raise not_found("$aggregate follows …/Datastreams(id)/Observations")
    resource = resolve(parent_path, ctx.visibility)
    if resource.parent is None or resource.parent[1].name != "Observations":
        raise bad_request("$aggregate needs a Datastream's or MultiDatastream's Observations")
    stream = resource.parent[0]
    params = request.GET
    if "interval" not in params:
        raise bad_request("interval is required, e.g. interval=PT1H", "interval")
    interval = parse_duration(params["interval"], "interval")
    stats = [name.strip() for name in params.get("stats", "mean,min,max,count").split(",")]
    start = parse_instant(params["from"], "from") if "from" in params else None
    end = parse_instant(params["to"], "to") if "to" in params else None
    if start and end and end <= start:
        raise bad_request("to must be after from", "to")
    value = services.aggregate_json(stream, interval, stats, start, end)
    link_name = "Datastream" if type(stream).__name__ == "Datastream" else "MultiDatastream"
    body = {
        f"{link_name}@iot.navigationLink": f"{ctx.base}/{link_name}s({stream.pk})",
        "interval": params["interval"],
        "from": format_instant(start),
        "to": format_instant(end),
        "stats": stats,
    }
    if link_name == "Datastream":
        body["unitOfMeasurement"] = stream.unit_of_measurement
    # The buckets arrive as JSON text from the database (one query, no object per bucket).
    return orjson.dumps(body)[:-1] + b',"value":' + value.encode() + b"}"


def latest_options(request) -> Options:
    options = parse_options({key: request.GET[key] for key in request.GET})
    options.expand = [item for item in options.expand if item.path != "Observations"] + [LATEST]
    return options
