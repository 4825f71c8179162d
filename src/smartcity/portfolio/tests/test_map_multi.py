"""Several values per map filter (?status=a&status=b) and the paged list beside the map."""

import re
from urllib.parse import parse_qs

import orjson

from smartcity.core.registries import MapLayer, map_layers
from smartcity.portfolio.models import ActionField, Project

URL = "/api/v1/map/features.geojson"


def features(client, query=""):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    return orjson.loads(response.content)["features"]


def titles(found):
    return {feature["properties"]["title"] for feature in found}


def test_several_action_fields_give_items_of_any_of_them(client, demo):
    energy = titles(features(client, "action_field=energie-und-umwelt"))
    mobility = titles(features(client, "action_field=intelligente-mobilitaet"))
    assert energy and mobility and energy != mobility
    both = titles(
        features(client, "action_field=energie-und-umwelt&action_field=intelligente-mobilitaet")
    )
    assert both == energy | mobility


def test_a_project_in_two_of_the_fields_is_listed_once(client, demo):
    project = Project.objects.get(code="DP 02")
    project.action_fields.set(
        ActionField.objects.filter(slug__in=["energie-und-umwelt", "intelligente-mobilitaet"])
    )
    for query in ("", "city=dortmund&"):
        found = features(
            client,
            query + "action_field=energie-und-umwelt&action_field=intelligente-mobilitaet",
        )
        ids = [feature["id"] for feature in found]
        assert ids.count(f"projects:{project.pk}") == 1


def test_several_statuses_and_a_city(client, demo):
    planned = titles(features(client, "city=schwerte&status=planned"))
    operating = titles(features(client, "city=schwerte&status=in_operation"))
    both = titles(features(client, "city=schwerte&status=planned&status=in_operation"))
    assert planned and both == planned | operating


def test_an_unknown_value_among_several_is_named(client, demo):
    response = client.get(f"{URL}?action_field=energie-und-umwelt&action_field=gibt-es-nicht")
    assert response.status_code == 400
    problems = response.json()["error"]["fields"]["action_field"]
    assert "gibt-es-nicht" in " ".join(problems)
    assert "energie-und-umwelt" not in " ".join(problems)


def test_too_many_values_answer_400(client, demo):
    query = "&".join(f"status=planned{number}" for number in range(25))
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_a_single_valued_layer_is_asked_once_per_value(client, demo):
    asked = []

    def trees(city, filters):
        asked.append(filters.status)
        assert not filters.choices
        for number, status in enumerate(("ok", "sick", "felled")):
            if filters.status in (None, status):
                yield {
                    "type": "Feature",
                    "id": f"trees:{number}",
                    "geometry": {"type": "Point", "coordinates": [7.46, 51.51]},
                    "properties": {"id": number, "layer": "trees", "title": f"Baum {status}"},
                }

    layer = MapLayer(
        "trees",
        "Bäume",
        trees,
        filters=frozenset({"status"}),
        statuses=frozenset({"ok", "sick", "felled"}),
    )
    map_layers.register("trees", layer)
    try:
        found = features(client, "layer=trees&status=ok&status=felled")
        assert titles(found) == {"Baum ok", "Baum felled"}
        assert sorted(asked) == ["felled", "ok"]
    finally:
        map_layers._entries.pop("trees")


def test_map_page_keeps_several_choices_checked(client, demo):
    response = client.get("/dortmund/karte/?status=planned&status=pilot")
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'name="status" value="planned" checked', body)
    assert re.search(r'name="status" value="pilot" checked', body)
    assert not re.search(r'name="status" value="completed" checked', body)


def test_map_list_pages_through_all_items(client, demo):
    dortmund = demo["dortmund"]
    for number in range(230):
        project = Project.objects.create(
            title=f"Messpunkt {number:03d}",
            summary="s",
            location={"type": "Point", "coordinates": [7.4 + number / 10000, 51.5]},
        )
        project.cities.add(dortmund)
    first = client.get("/dortmund/karte/?q=Messpunkt").content.decode()
    assert "Messpunkt 000" in first and "Messpunkt 099" in first
    assert "Messpunkt 100" not in first
    assert "Seite 1 von 3" in first
    assert "q=Messpunkt&amp;page=2" in first
    third = client.get("/dortmund/karte/?q=Messpunkt&page=3").content.decode()
    assert "Messpunkt 229" in third and "Messpunkt 199" not in third
    # The GeoJSON link of the page keeps the filters, not the page.
    link = re.search(r'features\.geojson\?([^"]*)"', third).group(1).replace("&amp;", "&")
    given = parse_qs(link)
    assert given["q"] == ["Messpunkt"] and given["city"] == ["dortmund"] and "page" not in given
    # The map still gets every item.
    assert len(features(client, "city=dortmund&q=Messpunkt")) == 230


def test_map_page_shows_the_default_layers_until_others_are_chosen(client, demo):
    """Opt-in layers (defect reports, sensors, ideas, bridges, schools) stay off by default,
    on the list and in the GeoJSON the page loads; choosing one shows it."""
    from smartcity.core.registries import map_layers

    opt_in = {layer.name for layer in map_layers if not layer.visible_by_default}
    shown = {layer.name for layer in map_layers if layer.visible_by_default}
    assert "projects" in shown and {"defects", "sensors"} <= opt_in
    body = client.get("/dortmund/karte/").content.decode()
    link = re.search(r'features\.geojson\?([^"]*)"', body).group(1).replace("&amp;", "&")
    assert set(parse_qs(link)["layer"][0].split(",")) == shown
    assert "Standardebenen:" in body
    chosen = client.get("/dortmund/karte/?layer=defects").content.decode()
    link = re.search(r'features\.geojson\?([^"]*)"', chosen).group(1).replace("&amp;", "&")
    assert parse_qs(link)["layer"] == ["defects"]


def test_map_page_shows_project_status_in_the_page_language(client, demo):
    """The map index keeps the labels of the language it was built in; the page's list and
    the popups (statusLabels in the page's map config) use the page's own."""
    project = Project.objects.create(
        title="Sprachprobe",
        summary="s",
        status="in_progress",
        location={"type": "Point", "coordinates": [7.46, 51.51]},
    )
    project.cities.add(demo["dortmund"])
    german = client.get("/dortmund/karte/?q=Sprachprobe").content.decode()
    assert "in Umsetzung" in german
    client.cookies["django_language"] = "en"
    english = client.get("/dortmund/karte/?q=Sprachprobe", HTTP_ACCEPT_LANGUAGE="en")
    body = english.content.decode()
    assert "Sprachprobe" in body
    assert "being implemented" in body and "in Umsetzung" not in body
    config = orjson.loads(re.search(r'id="map-config"[^>]*>(.*?)</script>', body, re.S).group(1))
    assert config["statusLabels"]["projects"]["in_progress"] == "being implemented"
