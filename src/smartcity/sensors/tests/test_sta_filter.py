"""Filtering: every query option, operators, precedence, functions, literal semantics, paging."""

import pytest

from .conftest import BASE


def ids(response):
    assert response.status_code == 200, response.content
    return [item["@iot.id"] for item in response.json()["value"]]


def results(anonymous, expression, path="Observations"):
    response = anonymous.get(path, **{"$filter": expression, "$orderby": "phenomenonTime"})
    assert response.status_code == 200, response.content
    return [item["result"] for item in response.json()["value"]]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("result gt 13", [14, 15.5]),
        ("result ge 13 and result lt 15", [14, 13]),
        ("result lt 10 or result gt 15", [15.5, 9]),
        ("not (result lt 14)", [14, 15.5]),
        ("result eq 12.5", [12.5]),
        ("result ne 12.5", [14, 15.5, 13, 9]),
        # precedence: and binds tighter than or
        ("result eq 9 or result gt 14 and result lt 15", [9]),
        ("(result eq 9 or result gt 14) and result lt 15", [9]),
        # arithmetic with precedence: mul before add
        ("result add 1 mul 2 eq 16", [14]),
        ("result sub 1 eq 12", [13]),
        ("result div 2 eq 7", [14]),
        ("result mod 2 eq 1", [13, 9]),
        ("-result lt -15", [15.5]),
        ("round(result) eq 16", [15.5]),
        ("floor(result) eq 15", [15.5]),
        ("ceiling(result) eq 13", [12.5, 13]),
        ("phenomenonTime gt 2026-03-01T12:00:00Z", [13, 9]),
        ("phenomenonTime le 2026-03-01T11:00:00Z", [12.5, 14]),
        ("hour(phenomenonTime) eq 12", [15.5]),
        ("year(phenomenonTime) eq 2026 and month(phenomenonTime) eq 3", [12.5, 14, 15.5, 13, 9]),
        ("day(phenomenonTime) eq 1 and minute(phenomenonTime) eq 0", [12.5, 14, 15.5, 13, 9]),
        (
            "second(phenomenonTime) eq 0 and fractionalseconds(phenomenonTime) eq 0",
            [12.5, 14, 15.5, 13, 9],
        ),
        ("phenomenonTime lt now()", [12.5, 14, 15.5, 13, 9]),
        (
            "phenomenonTime gt mindatetime() and phenomenonTime lt maxdatetime()",
            [12.5, 14, 15.5, 13, 9],
        ),
        ("totaloffsetminutes(phenomenonTime) eq 0 and result gt 15", [15.5]),
        ("Datastream/Thing/name eq 'Brücke Nord' and result lt 10", [9]),
        ("FeatureOfInterest/name eq 'Brücke Nord Ort' and result eq 14", [14]),
    ],
)
def test_operators_and_functions_on_observations(anonymous, network, expression, expected):
    assert results(anonymous, expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected_names"),
    [
        ("name eq 'Brücke Nord'", ["Brücke Nord"]),
        ("substringof('Süd', name)", ["Schule Süd"]),
        ("startswith(name, 'Brü')", ["Brücke Nord"]),
        ("endswith(name, 'Süd')", ["Schule Süd"]),
        ("length(name) eq 10", ["Schule Süd"]),
        ("indexof(name, 'Nord') eq 7", ["Brücke Nord"]),
        ("substring(name, 7) eq 'Nord'", ["Brücke Nord"]),
        ("substring(name, 0, 6) eq 'Schule'", ["Schule Süd"]),
        ("tolower(name) eq 'schule süd'", ["Schule Süd"]),
        ("toupper(name) eq 'BRÜCKE NORD'", ["Brücke Nord"]),
        ("trim(concat(' ', name)) eq 'Schule Süd'", ["Schule Süd"]),
        ("concat(name, '!') eq 'Schule Süd!'", ["Schule Süd"]),
        ("properties/floors eq 3", ["Brücke Nord", "Schule Süd"]),
        ("properties/district eq 'Innenstadt'", ["Brücke Nord", "Schule Süd"]),
        ("Datastreams/Observations/result gt 15", ["Brücke Nord"]),
        ("Locations/location eq null", []),
        ("description ne null and name ne 'Brücke Nord'", ["Schule Süd"]),
        (
            "st_within(Locations/location, "
            "geography'POLYGON((7.4 51.5, 7.5 51.5, 7.5 51.6, 7.4 51.6, 7.4 51.5))')",
            ["Brücke Nord"],
        ),
        (
            "geo.intersects(Locations/location, "
            "geography'POLYGON((7.5 51.4, 7.6 51.4, 7.6 51.5, 7.5 51.5, 7.5 51.4))')",
            ["Schule Süd"],
        ),
        ("geo.distance(Locations/location, geography'POINT(7.46 51.51)') lt 0.01", ["Brücke Nord"]),
        ("st_disjoint(Locations/location, geography'POINT(7.46 51.51)')", ["Schule Süd"]),
        ("st_equals(Locations/location, geography'POINT(7.51 51.43)')", ["Schule Süd"]),
        (
            "st_intersects(Locations/location, geography'LINESTRING(7.46 51.0, 7.46 52.0)')",
            ["Brücke Nord"],
        ),
        (
            "st_contains(geography'POLYGON((7 51, 8 51, 8 52, 7 52, 7 51))', Locations/location)",
            ["Brücke Nord", "Schule Süd"],
        ),
        (
            "st_touches(Locations/location, geography'LINESTRING(7.51 51.43, 8 51.43)')",
            ["Schule Süd"],
        ),
        (
            "st_relate(Locations/location, geography'POINT(7.46 51.51)', 'T********')",
            ["Brücke Nord"],
        ),
        ("st_overlaps(Locations/location, geography'POINT(7.46 51.51)')", []),
        ("st_crosses(Locations/location, geography'POINT(7.46 51.51)')", []),
    ],
)
def test_string_json_navigation_and_spatial_filters_on_things(
    anonymous, network, expression, expected_names
):
    response = anonymous.get("Things", **{"$filter": expression, "$orderby": "id"})
    assert response.status_code == 200, response.content
    assert [item["name"] for item in response.json()["value"]] == expected_names


def test_geo_length_on_observed_areas(sta, network):
    thing = network["thing"]["@iot.id"]
    sta.send(
        "PATCH",
        f"Locations({sta.get(f'Things({thing})/Locations').json()['value'][0]['@iot.id']})",
        {"location": {"type": "LineString", "coordinates": [[7.0, 51.0], [7.0, 51.5]]}},
    )
    response = sta.get("Locations", **{"$filter": "geo.length(location) gt 0.4"})
    assert [item["name"] for item in response.json()["value"]] == ["Brücke Nord Ort"]


def test_quoted_literal_compares_as_string_not_number(sta, network):
    ds = network["datastream"]["@iot.id"]
    sta.post(
        f"Datastreams({ds})/Observations",
        {"phenomenonTime": "2026-03-02T00:00:00Z", "result": "14"},
    )
    numeric = results(sta, "result eq 14")
    textual = results(sta, "result eq '14'")
    assert numeric == [14] and textual == ["14"]
    thing = network["thing"]["@iot.id"]
    sta.send("PATCH", f"Things({thing})", {"properties": {"code": "3"}})
    assert ids(sta.get("Things", **{"$filter": "properties/code eq '3'"})) == [thing]
    assert ids(sta.get("Things", **{"$filter": "properties/code eq 3"})) == []


def test_top_skip_count_orderby_select_and_absolute_next_link(anonymous, network):
    response = anonymous.get(
        "Observations",
        **{
            "$top": "2",
            "$skip": "1",
            "$count": "true",
            "$orderby": "result desc",
            "$select": "result,id",
        },
    ).json()
    assert response["@iot.count"] == 5
    assert response["value"] == [
        {"@iot.id": response["value"][0]["@iot.id"], "result": 14},
        {"@iot.id": response["value"][1]["@iot.id"], "result": 13},
    ]
    next_link = response["@iot.nextLink"]
    assert next_link.startswith(f"http://testserver{BASE}/Observations?")
    follow = anonymous.get(next_link.replace("http://testserver", "")).json()
    assert [item["result"] for item in follow["value"]] == [12.5, 9]
    assert "@iot.nextLink" not in follow


def test_orderby_several_keys(anonymous, network):
    response = anonymous.get("Things", **{"$orderby": "properties/floors desc, name desc"})
    assert [item["name"] for item in response.json()["value"]] == ["Schule Süd", "Brücke Nord"]


def test_expand_nested_with_own_options_and_path_form(anonymous, network):
    thing = network["thing"]["@iot.id"]
    body = anonymous.get(
        f"Things({thing})",
        **{
            "$expand": "Datastreams($select=name;$expand=Observations($top=2;"
            "$orderby=phenomenonTime desc;$count=true;$select=result)),Locations",
        },
    ).json()
    datastream = body["Datastreams"][0]
    assert set(datastream) == {
        "name",
        "Observations",
        "Observations@iot.count",
        "Observations@iot.nextLink",
    }
    assert [item["result"] for item in datastream["Observations"]] == [9, 13]
    assert datastream["Observations@iot.count"] == 5
    assert body["Locations"][0]["location"]["type"] == "Point"
    path_form = anonymous.get(
        "Things", **{"$expand": "Datastreams/Sensor,Datastreams/ObservedProperty", "$orderby": "id"}
    ).json()
    first = path_form["value"][0]["Datastreams"][0]
    assert first["Sensor"]["name"] == "DHT22" and first["ObservedProperty"]["name"] == "Temperatur"
    filtered = anonymous.get(
        "Datastreams", **{"$expand": "Observations($filter=result gt 14)", "$orderby": "id"}
    ).json()
    assert [o["result"] for o in filtered["value"][0]["Observations"]] == [15.5]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"$filter": "name eq"}, "$filter"),
        ({"$filter": "name eq 'x' and"}, "$filter"),
        ({"$filter": "colour eq 'x'"}, "$filter"),
        ({"$filter": "unknownfn(name) eq 1"}, "$filter"),
        ({"$filter": "name add 1 eq 2"}, "$filter"),
        ({"$top": "1000000"}, "$top"),
        ({"$top": "-1"}, "$top"),
        ({"$skip": "x"}, "$skip"),
        ({"$count": "yes"}, "$count"),
        ({"$select": "colour"}, "$select"),
        ({"$expand": "Gadgets"}, "$expand"),
        ({"$expand": "Datastreams($top=1"}, "$expand"),
        ({"$orderby": "colour"}, "$orderby"),
        ({"$unknown": "1"}, "$unknown"),
        ({"$filter": "st_within(location, geography'POLYGON((1 2')"}, "$filter"),
    ],
)
def test_bad_query_options_are_400_naming_the_option(anonymous, network, params, field):
    response = anonymous.get("Things", **params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == 400 and body["type"] == "error" and body["field"] == field
    assert body["message"]
