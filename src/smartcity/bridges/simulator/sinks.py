"""Where simulated readings go: the SensorThings HTTP API, MQTT, or the sensors service.

Every sink takes ``send(datastream_id, rows)`` with rows ``(epoch seconds, result,
parameters or None)``. HTTP uses ``CreateObservations`` (dataArray) with a write token;
MQTT publishes one Observation per message on ``v1.1/Datastreams(<id>)/Observations``; the
direct sink calls ``sensors.services.store_observations`` (same validation, no network:
used by the demo and the tests that need a month of data quickly).
"""

import json
import urllib.request
from datetime import UTC, datetime

from smartcity.sensors import services as sensors
from smartcity.sensors.models import Datastream


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat().replace("+00:00", "Z")


def _batches(rows, size):
    for index in range(0, len(rows), size):
        yield rows[index : index + size]


def _rows_per_request(rows) -> int:
    return 20 if rows and isinstance(rows[0][1], list) else 1000


class DirectSink:
    name = "direct"

    def __init__(self):
        self.sent = 0

    def send(self, datastream_id: int, rows) -> None:
        stream = Datastream.objects.select_related("thing").get(pk=datastream_id)
        items = [
            sensors.NewObservation(
                phenomenon_time_start=datetime.fromtimestamp(when, tz=UTC),
                result=result,
                parameters=parameters,
            )
            for when, result, parameters in rows
        ]
        for batch in _batches(items, 5000):
            sensors.store_observations(stream, batch)
        self.sent += len(rows)

    def close(self):
        pass


class HttpSink:
    """POST ``/sta/v1.1/CreateObservations``; ``client`` may be a Django test client."""

    name = "http"

    def __init__(self, base_url: str, token: str, client=None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.client = client
        self.sent = 0

    def body(self, datastream_id: int, rows) -> list:
        return [
            {
                "Datastream": {"@iot.id": datastream_id},
                "components": ["phenomenonTime", "result", "parameters"],
                "dataArray": [[iso(when), result, parameters] for when, result, parameters in rows],
            }
        ]

    def post(self, body) -> list:
        data = json.dumps(body).encode()
        if self.client is not None:
            response = self.client.post(
                "/sta/v1.1/CreateObservations",
                data=data,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {self.token}",
            )
            status, answer = response.status_code, response.json()
        else:
            request = urllib.request.Request(  # noqa: S310 - the platform's own URL
                f"{self.base_url}/sta/v1.1/CreateObservations",
                data=data,
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {self.token}",
                },
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                status, answer = response.status, json.loads(response.read())
        if status != 201 or any(link == "error" for link in answer):
            raise RuntimeError(f"CreateObservations answered {status}: {str(answer)[:300]}")
        return answer

    def send(self, datastream_id: int, rows) -> None:
        for batch in _batches(rows, _rows_per_request(rows)):
            self.post(self.body(datastream_id, batch))
            self.sent += len(batch)

    def close(self):
        pass


class MqttSink:
    name = "mqtt"

    def __init__(self, url: str | None = None):
        from smartcity.core.mqtt import client_from_url

        self.client = client_from_url(url, timeout=10)
        self.client.loop_start()
        self.sent = 0

    def send(self, datastream_id: int, rows) -> None:
        topic = f"v1.1/Datastreams({datastream_id})/Observations"
        for when, result, parameters in rows:
            payload = {"phenomenonTime": iso(when), "result": result}
            if parameters:
                payload["parameters"] = parameters
            info = self.client.publish(topic, json.dumps(payload), qos=1)
            info.wait_for_publish(timeout=30)
            self.sent += 1

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()
