"""The bridge registry: DIN 1076 schedule, grade bands, the Thing and its Datastreams."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from smartcity.bridges.models import Inspection, InspectionKind, grade_band
from smartcity.bridges.services import registry


@pytest.mark.parametrize(
    ("grade", "band"),
    [
        ("1.0", "very_good"),
        ("1.4", "very_good"),
        ("1.5", "good"),
        ("2.4", "satisfactory"),
        ("2.5", "sufficient"),
        ("3.4", "insufficient"),
        ("3.5", "inadequate"),
        ("4.0", "inadequate"),
    ],
)
def test_grade_bands(grade, band):
    assert grade_band(Decimal(grade))[0] == band


def test_schedule_and_overdue(bridge):
    bridge.inspections.all().delete()
    Inspection.objects.create(
        bridge=bridge, kind=InspectionKind.MAIN, date=date(2020, 5, 4), grade=Decimal("2.2")
    )
    schedule = bridge.inspection_schedule()
    assert schedule["next_main"] == date(2026, 5, 4)
    assert schedule["next_simple"] == date(2023, 5, 4)
    assert schedule["next_visual"] == date(2021, 5, 4)
    overdue = dict(bridge.overdue(today=date(2024, 1, 1)))
    assert set(overdue) == {"Einfache Prüfung", "Besichtigung"}
    Inspection.objects.create(
        bridge=bridge, kind=InspectionKind.SIMPLE, date=date(2023, 4, 1), grade=Decimal("2.3")
    )
    assert bridge.inspection_schedule()["next_simple"] is None
    assert dict(bridge.overdue(today=date(2024, 1, 1))) == {}
    assert "Hauptprüfung" in dict(bridge.overdue(today=date(2026, 6, 1)))


def test_main_inspection_needs_a_grade(bridge):
    with pytest.raises(ValidationError) as error:
        Inspection(bridge=bridge, kind=InspectionKind.MAIN, date=date(2024, 1, 1)).full_clean()
    assert "grade" in error.value.message_dict


def test_bridge_needs_a_line(cities):
    with pytest.raises(ValidationError) as error:
        registry.create_bridge(
            cities["dortmund"],
            name="Punktbrücke",
            slug="punkt",
            structure_number="1",
            geometry={"type": "Point", "coordinates": [7.4, 51.5]},
            material="steel",
            length_m=10,
            owner_department="Tiefbauamt",
        )
    assert "geometry" in error.value.message_dict


def test_thing_carries_the_registry(bridge, client):
    bridge.thing.refresh_from_db()
    properties = bridge.thing.properties
    assert properties["structureNumber"] == bridge.structure_number
    assert properties["gradeBand"] == bridge.grade_band[0]
    assert properties["inspections"]["next_main"]
    response = client.get(f"/sta/v1.1/Things({bridge.thing_id})/Datastreams")
    assert response.status_code == 200
    names = [item["name"] for item in response.json()["value"]]
    assert len(names) == bridge.channels.count()
    tilt = bridge.channels.get(code="N1").datastream
    assert tilt.properties["position"] == "Pfeiler Achse 20"
    assert tilt.unit_of_measurement["symbol"] == "mrad"
