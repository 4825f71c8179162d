"""A small programme with entries whose figures we know."""

import datetime

import pytest

from smartcity.portfolio.models import ActionField, Milestone, Strategy
from smartcity.reporting.tests.builders import make_entry, make_period, make_project, member

__all__ = ["make_entry", "make_period", "make_project", "member"]


@pytest.fixture
def programme(cities):
    city = cities["dortmund"]
    strategy = Strategy.objects.create(name="Strategie", slug="strategie")
    strategy.cities.add(city)
    data = ActionField.objects.create(strategy=strategy, slug="daten", name="Daten", order=1)
    mobility = ActionField.objects.create(
        strategy=strategy, slug="mobil", name="Mobilität", order=2
    )
    sensors = make_project(city, "DP 01", "Sensornetz Innenstadt", data)
    portal = make_project(city, "DP 02", "Offene-Daten-Portal", data)
    buses = make_project(city, "IM 01", "Bus auf Abruf", mobility)
    Milestone.objects.create(
        project=buses,
        title="Pilotstart",
        planned_date=datetime.date(2025, 3, 1),
        actual_date=datetime.date(2025, 3, 11),
    )
    period = make_period(city)
    make_entry(
        period,
        sensors,
        "on_track",
        40,
        budget=[("Bund", "1000.00", "250.50"), ("Stadt", "500.00", "100.00")],
        milestones=[("Ausschreibung", datetime.date(2025, 2, 1), datetime.date(2025, 2, 1))],
    )
    make_entry(
        period,
        portal,
        "delayed",
        70,
        budget=[("Stadt", "2000.00", "1500.00")],
        milestones=[
            ("Beta", datetime.date(2025, 5, 1), datetime.date(2025, 5, 21)),  # 20 days late
            ("Start", datetime.date(2025, 11, 1), None),  # open, 60 days late at cut-off
            ("Ausbau", datetime.date(2026, 6, 1), None),  # not yet due
        ],
    )
    make_entry(period, buses, "at_risk", 10)
    return {
        "city": city,
        "period": period,
        "projects": [sensors, portal, buses],
        "fields": [data, mobility],
    }
