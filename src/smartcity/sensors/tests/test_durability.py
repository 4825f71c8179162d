"""No acknowledged observation is lost when the server is killed (kill -9) during ingest.

A real server (``smartcity serve``) on its own SQLite file; clients send Observations and note
every 201; the server's process group is killed with SIGKILL mid-stream, restarted, and every
acknowledged id must be there.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
SETUP = """
from smartcity.accounts.models import User
from smartcity.core.tokens import create_token
from smartcity.sensors.models import Datastream, Location, ObservedProperty, Sensor, Thing
from smartcity.sensors.services import link_locations
thing = Thing.objects.create(name="T")
link_locations(thing, [Location.objects.create(name="L", location={"type": "Point",
    "coordinates": [7.4, 51.5]})])
ds = Datastream.objects.create(name="D", observation_type="x", unit_of_measurement={},
    thing=thing, sensor=Sensor.objects.create(name="S", encoding_type="x"),
    observed_property=ObservedProperty.objects.create(name="P", definition="d"))
user = User.objects.create(username="ingest")
print(ds.pk, create_token(user, ["sta:write"])[1])
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, port):
    process = subprocess.Popen(  # noqa: S603 - our own command
        [str(BIN / "smartcity"), "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so kill -9 reaches every worker
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/sta/v1.1")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the server did not start")


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")
def test_acknowledged_observations_survive_kill_9(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SMARTCITY_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        SMARTCITY_HOME=str(tmp_path),
        SMARTCITY_SECRET_KEY="durability-" + "x" * 50,
        SMARTCITY_DEBUG="false",
        SMARTCITY_HTTPS="false",
    )
    subprocess.run(  # noqa: S603
        [str(BIN / "smartcity"), "migrate", "-v", "0"], env=env, check=True
    )
    setup = subprocess.run(  # noqa: S603
        [str(BIN / "smartcity"), "shell", "-c", SETUP],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    datastream, token = setup.stdout.strip().splitlines()[-1].split()
    port = free_port()
    server = start_server(env, port)
    acknowledged, stop = [], threading.Event()
    lock = threading.Lock()

    def client(number):
        sent = 0
        while not stop.is_set():
            body = json.dumps({"result": sent, "parameters": {"client": number}})
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request(
                    "POST",
                    f"/sta/v1.1/Datastreams({datastream})/Observations",
                    body=body,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                )
                response = connection.getresponse()
                if response.status == 201:
                    with lock:
                        acknowledged.append(json.loads(response.read())["@iot.id"])
            except (OSError, http.client.HTTPException):
                return  # the server is gone: whatever was not acknowledged may be lost
            sent += 1

    clients = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in clients:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(10)
    stop.set()
    for thread in clients:
        thread.join(10)
    assert len(acknowledged) >= 50, "too few observations were acknowledged before the kill"

    restarted = start_server(env, port)
    try:
        stored = set()
        path = f"/sta/v1.1/Datastreams({datastream})/Observations?$select=id&$top=10000"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path)
        stored = {item["@iot.id"] for item in json.loads(connection.getresponse().read())["value"]}
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait(20)
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged observations were lost"
