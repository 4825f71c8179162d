"""News, events and nearby in the app API: filters, stable pages, ETags, errors."""

from smartcity.news.models import Event, Post
from smartcity.news.nearby import haversine
from smartcity.news.tests.factories import make_event, make_post, tag

LAB = (51.5149, 7.4594)  # Smart City Lab, Dortmund


def test_news_list_pages_and_etag(client, cities):
    climate = tag()
    for number in range(5):
        make_post(cities["dortmund"], [climate] if number % 2 else [], title=f"Meldung {number}")
    make_post(cities["dortmund"], title="Entwurf", status=Post.Status.DRAFT)
    first = client.get("/api/v1/news?city=dortmund&page_size=2")
    body = first.json()
    assert body["count"] == 5 and len(body["results"]) == 2
    second = client.get(body["next"].replace("http://testserver", "")).json()
    third = client.get(second["next"].replace("http://testserver", "")).json()
    titles = [p["title"] for page in (body, second, third) for p in page["results"]]
    assert sorted(titles) == [f"Meldung {n}" for n in range(5)]  # no overlap, no gap
    assert third["next"] is None
    assert client.get("/api/v1/news?tag=klima").json()["count"] == 2
    etag = first["ETag"]
    repeat = client.get("/api/v1/news?city=dortmund&page_size=2", HTTP_IF_NONE_MATCH=etag)
    assert repeat.status_code == 304 and repeat["ETag"] == etag
    post_id = body["results"][0]["id"]
    detail = client.get(f"/api/v1/news/{post_id}").json()
    assert detail["body"] and detail["url"].startswith("/dortmund/aktuelles/")
    draft = Post.objects.get(title="Entwurf")
    assert client.get(f"/api/v1/news/{draft.pk}").json()["error"]["code"] == "not_found"


def test_events_filters(client, cities):
    make_event(cities["dortmund"], title="Werkstatt", category=Event.Category.PARTICIPATION)
    make_event(cities["dortmund"], title="Vortrag", days=10)
    make_event(cities["dortmund"], title="Vorbei", days=-3)
    body = client.get("/api/v1/events?city=dortmund").json()
    assert [e["title"] for e in body["results"]] == ["Werkstatt", "Vortrag"]
    participation = client.get("/api/v1/events?category=participation").json()
    assert [e["title"] for e in participation["results"]] == ["Werkstatt"]
    bad = client.get("/api/v1/events?category=party")
    assert bad.status_code == 400 and "category" in bad.json()["error"]["fields"]
    wrong_order = client.get("/api/v1/events?from_date=2030-02-01&to_date=2030-01-01")
    assert wrong_order.json()["error"]["fields"] == {
        "to_date": ["Das Ende des Zeitraums liegt vor seinem Anfang."]
    }


def test_nearby_sorted_by_distance(client, cities):
    near = make_event(cities["dortmund"], title="Nah", latitude=LAB[0] + 0.001, longitude=LAB[1])
    make_event(cities["dortmund"], title="Mittel", latitude=LAB[0] + 0.004, longitude=LAB[1])
    make_event(cities["dortmund"], title="Fern", latitude=LAB[0] + 0.05, longitude=LAB[1])
    response = client.get(f"/api/v1/nearby?lat={LAB[0]}&lon={LAB[1]}&radius=1000")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["title"] for r in results] == ["Nah", "Mittel"]
    assert results[0]["layer"] == "events" and results[0]["id"] == str(near.pk)
    assert abs(results[0]["distance_m"] - 111.2) < 1
    assert results[0]["distance_m"] < results[1]["distance_m"]
    wide = client.get(f"/api/v1/nearby?lat={LAB[0]}&lon={LAB[1]}&radius=10000&layers=events")
    assert wide.json()["count"] == 3
    none = client.get(f"/api/v1/nearby?lat={LAB[0]}&lon={LAB[1]}&radius=10000&layers=gibtsnicht")
    assert none.json()["count"] == 0


def test_nearby_refuses_bad_input(client, db):
    response = client.get("/api/v1/nearby?lat=95&lon=7")
    assert response.status_code == 400 and "lat" in response.json()["error"]["fields"]
    response = client.get("/api/v1/nearby?lat=51&lon=7&radius=50000")
    assert "radius" in response.json()["error"]["fields"]
    response = client.get("/api/v1/nearby?lon=7")
    assert "lat" in response.json()["error"]["fields"]


def test_haversine_is_metres():
    # One degree of latitude is about 111 km.
    assert 111_000 < haversine(7.0, 51.0, 7.0, 52.0) < 111_400


def test_register_and_cancel_through_the_api(client, cities):
    from django.core import mail

    event = make_event(cities["dortmund"], capacity=1)
    url = f"/api/v1/events/{event.pk}/registrations"
    first = client.post(
        url, {"name": "A", "email": "a@example.org"}, content_type="application/json"
    )
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    second = client.post(
        url, {"name": "B", "email": "b@example.org"}, content_type="application/json"
    ).json()
    assert second["status"] == "waiting" and len(mail.outbox) == 2
    again = client.post(
        url, {"name": "A", "email": "a@example.org"}, content_type="application/json"
    )
    assert again.status_code == 409 and "email" in again.json()["error"]["fields"]
    bad = client.post(url, {"name": "C", "email": "nope"}, content_type="application/json")
    assert bad.status_code == 400 and "email" in bad.json()["error"]["fields"]

    cancel = f"/api/v1/events/registrations/{first.json()['id']}/cancel"
    wrong = client.post(cancel, {"key": "falsch"}, content_type="application/json")
    assert wrong.status_code == 404
    done = client.post(cancel, {"key": first.json()["key"]}, content_type="application/json")
    assert done.json()["status"] == "cancelled"
    assert "Platz" in mail.outbox[-1].subject  # B moved up


def test_openapi_documents_news_events_and_nearby(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/news", "/news/{post_id}", "/events", "/events/{event_id}", "/nearby"]:
        assert f"/api/v1{path}" in paths
    parameters = {p["name"] for p in paths["/api/v1/nearby"]["get"]["parameters"]}
    assert {"lat", "lon", "radius", "page", "page_size"} <= parameters
