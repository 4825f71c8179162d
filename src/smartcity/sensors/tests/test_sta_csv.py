"""$resultFormat=CSV as the CSV result format extension (FROST / INSIDE) describes it."""

import csv
import io
import json


def table(client, path, **params):
    response = client.get(path, **{"$resultFormat": "CSV", **params})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_unit_of_measurement_is_split_and_links_left_out(anonymous, network):
    [row] = table(anonymous, "Datastreams", **{"$filter": "name eq 'Brücke Nord Temperatur'"})
    assert row["unitOfMeasurement/name"] == "Grad Celsius"
    assert row["unitOfMeasurement/symbol"] == "°C"
    assert row["unitOfMeasurement/definition"] == "x"
    assert "unitOfMeasurement" not in row
    assert not any("navigationLink" in column for column in row)
    things = table(anonymous, "Things", **{"$orderby": "id"})
    assert json.loads(things[0]["properties"]) == {"district": "Innenstadt", "floors": 3}


def test_expanded_entities_become_prefixed_columns(anonymous, network):
    ds = network["datastream"]["@iot.id"]
    rows = table(
        anonymous,
        f"Datastreams({ds})/Observations",
        **{
            "$select": "id,result",
            "$orderby": "phenomenonTime",
            "$expand": "Datastream($select=id,name)",
        },
    )
    assert list(rows[0]) == ["@iot.id", "result", "Datastream/@iot.id", "Datastream/name"]
    assert {row["Datastream/name"] for row in rows} == {"Brücke Nord Temperatur"}
    assert [row["result"] for row in rows] == ["12.5", "14", "15.5", "13", "9"]
    # A collection expanded with $top=1 gives one set of columns; without it, a 400.
    [thing] = table(
        anonymous,
        "Things",
        **{
            "$filter": "name eq 'Brücke Nord'",
            "$select": "name",
            "$expand": "Datastreams($top=1;$select=name)",
        },
    )
    assert thing == {"name": "Brücke Nord", "Datastreams/name": "Brücke Nord Temperatur"}
    refused = anonymous.get(
        "Things", **{"$resultFormat": "CSV", "$expand": "Datastreams($select=name)"}
    )
    assert refused.status_code == 400
    assert "Datastreams($top=1)" in refused.json()["message"]
