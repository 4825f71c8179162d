"""Builders for reporting tests: a small programme with entries whose figures we know."""

import datetime
from decimal import Decimal

import pytest

from smartcity.accounts.models import Membership, User
from smartcity.portfolio.models import ActionField, Milestone, Project, Strategy
from smartcity.reporting.models import (
    BudgetLine,
    EntryState,
    MilestoneStatus,
    ProjectEntry,
    ReportingPeriod,
)


def make_period(city, slug="2025", year=2025, **extra):
    return ReportingPeriod.objects.create(
        city=city,
        slug=slug,
        title=f"Sachstandsbericht {year}",
        start_date=datetime.date(year, 1, 1),
        cut_off_date=datetime.date(year, 12, 31),
        **extra,
    )


def make_project(city, code, title, field, start=datetime.date(2023, 1, 1)):
    project = Project.objects.create(code=code, title=title, summary="Kurz.", start_date=start)
    project.cities.add(city)
    project.action_fields.add(field)
    return project


def make_entry(period, project, light="on_track", progress=50, budget=(), milestones=()):
    entry = ProjectEntry.objects.create(
        period=period,
        project=project,
        progress=progress,
        traffic_light=light,
        traffic_light_reason="" if light == "on_track" else "Grund",
        state=EntryState.APPROVED,
    )
    for source, planned, spent in budget:
        BudgetLine.objects.create(
            entry=entry,
            funding_source=source,
            planned_eur=Decimal(planned),
            spent_eur=Decimal(spent),
        )
    for title, planned, actual in milestones:
        MilestoneStatus.objects.create(
            entry=entry, title=title, planned_date=planned, actual_date=actual
        )
    return entry


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


def member(city, role, name=None):
    name = name or role
    user = User.objects.create_user(name, f"{name}@example.org", "x")
    Membership.objects.create(user=user, city=city, role=role)
    return user
