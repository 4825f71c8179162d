"""Builders for reporting tests (also used by the browser tests)."""

import datetime
from decimal import Decimal

from smartcity.accounts.models import Membership, User
from smartcity.portfolio.models import Project
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


def member(city, role, name=None):
    name = name or role
    user = User.objects.create_user(name, f"{name}@example.org", "x")
    Membership.objects.create(user=user, city=city, role=role)
    return user
