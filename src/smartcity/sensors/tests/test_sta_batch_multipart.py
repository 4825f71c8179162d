"""$batch in the multipart format (OData 4.0 Part 1 §11.7): framing, changesets, Content-IDs."""

import email
import email.policy
import json

import pytest

from smartcity.sensors.models import Datastream, Observation, Thing

from .conftest import BASE, thing_body


def http_part(request_line, body=None, content_id=None, content_type="application/json"):
    head = "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
    if content_id is not None:
        head += f"Content-ID: {content_id}\r\n"
    inner = request_line + "\r\n"
    if body is not None:
        inner += f"Content-Type: {content_type}\r\n"
    inner += "\r\n"
    if body is not None:
        inner += body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return head + "\r\n" + inner


def multipart(parts, boundary):
    return "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--\r\n"


def changeset(parts, boundary="changeset_1"):
    return f"Content-Type: multipart/mixed; boundary={boundary}\r\n\r\n" + multipart(
        parts, boundary
    )


def send(sta, parts, boundary="batch_1", content_type=None):
    body = multipart(parts, boundary) if isinstance(parts, list) else parts
    return sta.send(
        "POST",
        "$batch",
        body.encode(),
        content_type=content_type or f"multipart/mixed; boundary={boundary}",
    )


def parsed(response):
    """The response's parts: (status, headers, body, Content-ID) or a list for a changeset."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("multipart/mixed; boundary=")
    envelope = f"Content-Type: {response['Content-Type']}\r\n\r\n".encode()
    message = email.message_from_bytes(envelope + response.content, policy=email.policy.compat32)
    assert message.is_multipart() and not message.defects

    def one(part):
        assert part.get_content_type() == "application/http"
        assert part["Content-Transfer-Encoding"] == "binary"
        raw = part.get_payload(decode=True)
        head, _, body = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode().split("\r\n")
        assert status_line.startswith("HTTP/1.1 ")
        headers = dict(line.split(": ", 1) for line in header_lines)
        assert int(headers["Content-Length"]) == len(body)
        decoded = json.loads(body) if body and "json" in headers["Content-Type"] else body
        return int(status_line.split(" ")[1]), headers, decoded, part["Content-ID"]

    return [
        [one(inner) for inner in part.get_payload()] if part.is_multipart() else one(part)
        for part in message.get_payload()
    ]


def test_requests_and_a_changeset_with_content_id_references(sta, network):
    thing = network["thing"]["@iot.id"]
    body = thing_body("Pegel Süd")
    datastream = body.pop("Datastreams")[0]
    response = send(
        sta,
        [
            http_part(f"GET Things({thing})?$select=name HTTP/1.1"),
            changeset(
                [
                    http_part("POST Things HTTP/1.1", body, content_id="1"),
                    http_part("POST $1/Datastreams HTTP/1.1", datastream, content_id="2"),
                    http_part(
                        f"POST {BASE}/Observations HTTP/1.1",
                        {"result": 3.5, "Datastream": {"@iot.id": "$2"}},
                        content_id="3",
                    ),
                    http_part(f"PATCH Things({thing}) HTTP/1.1", {"description": "neu"}, "4"),
                ]
            ),
            http_part("GET http://testserver/sta/v1.1/Things(99999) HTTP/1.1"),
            http_part(f"GET Things({thing})/name/$value HTTP/1.1"),
        ],
    )
    assert response["OData-Version"] == "4.0"
    first, changes, missing, value = parsed(response)
    assert first[0] == 200 and first[2] == {"name": "Brücke Nord"}
    assert [(status, content_id) for status, _h, _b, content_id in changes] == [
        (201, "1"),
        (201, "2"),
        (201, "3"),
        (200, "4"),
    ]
    created_thing, created_stream, created_observation = (part[2] for part in changes[:3])
    assert created_thing["name"] == "Pegel Süd"
    assert changes[0][1]["Location"] == (
        f"http://testserver{BASE}/Things({created_thing['@iot.id']})"
    )
    stream = Datastream.objects.get(pk=created_stream["@iot.id"])
    assert stream.thing_id == created_thing["@iot.id"]
    observation = Observation.objects.get(pk=created_observation["@iot.id"])
    assert observation.datastream_id == stream.pk and observation.result_number == 3.5
    assert Thing.objects.get(pk=thing).description == "neu"
    assert missing[0] == 404 and "99999" in missing[2]["message"]
    assert value[0] == 200 and value[1]["Content-Type"].startswith("text/plain")
    assert value[2] == "Brücke Nord".encode()


def test_failed_changeset_is_rolled_back_and_answered_once(sta, network):
    things = Thing.objects.count()
    response = send(
        sta,
        [
            changeset(
                [
                    http_part("POST Things HTTP/1.1", {"name": "A", "description": "a"}, "a"),
                    http_part("POST Things HTTP/1.1", {"name": "B"}, "b"),
                    http_part("DELETE Things(1) HTTP/1.1", content_id="c"),
                ]
            ),
            http_part("POST Things HTTP/1.1", {"name": "C", "description": "c"}),
        ],
    )
    failure, after = parsed(response)
    assert not isinstance(failure, list)  # one answer for the whole changeset
    assert failure[0] == 400 and failure[2]["field"] == "description"
    assert "Thing.description" in failure[2]["message"]
    assert after[0] == 201  # requests after a failed changeset still run
    assert Thing.objects.count() == things + 1
    assert not Thing.objects.filter(name__in=["A", "B"]).exists()


def test_reference_in_a_body_to_nothing_fails_its_changeset(sta, network):
    things = Thing.objects.count()
    response = send(
        sta,
        [
            changeset(
                [
                    http_part("POST Things HTTP/1.1", {"name": "A", "description": "a"}, "1"),
                    http_part(
                        "POST Observations HTTP/1.1",
                        {"result": 1, "Datastream": {"@iot.id": "$7"}},
                        "2",
                    ),
                ]
            )
        ],
    )
    [failure] = parsed(response)
    assert failure[0] == 400 and "$7" in failure[2]["message"]
    assert "changeset" in failure[2]["message"]
    assert Thing.objects.count() == things


def test_malformed_json_in_a_part_answers_that_part(sta, network):
    response = send(sta, [http_part("POST Things HTTP/1.1", "{not json")])
    [answer] = parsed(response)
    assert answer[0] == 400 and "not valid JSON" in answer[2]["message"]


BAD = [
    # (body, content type, words the message must contain)
    (multipart([http_part("GET Things HTTP/1.1")], "b"), "multipart/mixed", "no boundary"),
    (
        multipart([http_part("GET Things HTTP/1.1")], "b"),
        "multipart/mixed; boundary=x",
        "no part starts with the delimiter --x",
    ),
    (
        f"--b\r\n{http_part('GET Things HTTP/1.1')}\r\n",
        "multipart/mixed; boundary=b",
        "close delimiter --b--",
    ),
    ("--b\r\nContent-Type: text/plain\r\n\r\nGET Things HTTP/1.1\r\n--b--", None, "text/plain"),
    ("--b\r\n\r\nGET Things HTTP/1.1\r\n--b--", None, "no Content-Type"),
    (multipart([http_part("GET Things")], "b"), None, "'METHOD URL HTTP/1.1'"),
    (multipart([changeset([http_part("GET Things HTTP/1.1", content_id="1")])], "b"), None, "GET"),
    (
        multipart([changeset([http_part("POST Things HTTP/1.1", {"name": "x"})])], "b"),
        None,
        "no Content-ID",
    ),
    (
        multipart(
            [changeset([http_part("POST $9/Datastreams HTTP/1.1", {"name": "x"}, "1")])], "b"
        ),
        None,
        "$9",
    ),
    (
        multipart(
            [
                changeset([http_part("POST Things HTTP/1.1", {}, "1")], "cs1"),
                changeset([http_part("POST $1/Datastreams HTTP/1.1", {}, "2")], "cs2"),
            ],
            "b",
        ),
        None,
        "same changeset",
    ),
    (
        multipart(
            [
                changeset(
                    [
                        http_part("POST Things HTTP/1.1", {}, "1"),
                        http_part("POST Things HTTP/1.1", {}, "1"),
                    ]
                )
            ],
            "b",
        ),
        None,
        "occurs twice",
    ),
    (
        multipart(
            [changeset([changeset([http_part("POST Things HTTP/1.1", {}, "1")], "in")])], "b"
        ),
        None,
        "nested",
    ),
    ("--b--\r\n", None, "no part starts with the delimiter --b"),
]


@pytest.mark.parametrize(("body", "content_type", "words"), BAD)
def test_bad_framing_is_a_400_naming_the_problem_and_nothing_runs(
    sta, network, body, content_type, words
):
    # A valid change first: it must not run when the framing after it is bad.
    valid = f"--b\r\n{http_part('POST Things HTTP/1.1', {'name': 'V', 'description': 'v'})}\r\n"
    if body.startswith("--b\r\n"):
        body = valid + body
    things = Thing.objects.count()
    response = send(sta, body, content_type=content_type or "multipart/mixed; boundary=b")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert words in response.json()["message"], response.json()
    assert Thing.objects.count() == things


def test_multipart_batch_needs_a_writer_token(anonymous, network):
    response = send(anonymous, [http_part("GET Things HTTP/1.1")])
    assert response.status_code == 401


def test_json_batch_still_answers_json(sta, network):
    response = sta.post("$batch", {"requests": [{"id": "1", "method": "get", "url": "Things"}]})
    assert response.status_code == 200 and response.json()["responses"][0]["status"] == 200
