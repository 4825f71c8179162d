"""Demo content: two yearly periods per city with entries for the demo projects.

A realistic mix of traffic lights; 2024 is published as a frozen version, 2025 is published
too so the report shows what changed. Idempotent: entries are updated in place, budget lines
replaced, and a version is only issued while a period has none.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from smartcity.core.models import City
from smartcity.core.registries import DemoLoader, demo_loaders
from smartcity.portfolio.models import Project
from smartcity.reporting import services
from smartcity.reporting.models import (
    BudgetLine,
    EntryState,
    PeriodStatus,
    ReportingPeriod,
    TrafficLight,
)

LIGHT_CYCLE = [
    TrafficLight.ON_TRACK,
    TrafficLight.ON_TRACK,
    TrafficLight.AT_RISK,
    TrafficLight.ON_TRACK,
    TrafficLight.DELAYED,
    TrafficLight.ON_TRACK,
    TrafficLight.STOPPED,
]
REASONS = {
    TrafficLight.AT_RISK: "Personalengpass im Fachbereich; Ausschreibung verschoben.",
    TrafficLight.DELAYED: "Lieferverzug bei der Hardware; Inbetriebnahme verschiebt sich.",
    TrafficLight.STOPPED: "Förderantrag abgelehnt; Projekt ruht bis zur Neubewertung.",
}
PERIODS = [("2024", "Sachstandsbericht 2024", 2024), ("2025", "Sachstandsbericht 2025", 2025)]


def _entry(period, project, index, year_offset):
    light = LIGHT_CYCLE[(index + year_offset) % len(LIGHT_CYCLE)]
    progress = min(100, 15 + (index * 13) % 55 + 20 * year_offset)
    entry = services.start_entry(period, project)
    entry.progress, entry.traffic_light = progress, light
    entry.traffic_light_reason = REASONS.get(light, "")
    entry.narrative = (
        f"{project.title}: Umsetzung zu {progress} % abgeschlossen. "
        "Die Arbeitsgruppe hat sich im Berichtszeitraum regelmäßig abgestimmt."
    )
    entry.new_measures = (
        "Bürgerdialog im Quartier\nOffene Daten zum Projekt" if index % 3 == 0 else ""
    )
    entry.state = EntryState.APPROVED
    entry.save()
    planned = Decimal(100_000 + 25_000 * (index % 8))
    spent_share = Decimal(min(95, progress)) / 100
    entry.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                entry=entry,
                funding_source="Modellprojekte Smart Cities (Bund)",
                planned_eur=planned * Decimal("0.65"),
                spent_eur=(planned * Decimal("0.65") * spent_share).quantize(Decimal("0.01")),
            ),
            BudgetLine(
                entry=entry,
                funding_source="Eigenanteil der Stadt",
                planned_eur=planned * Decimal("0.35"),
                spent_eur=(planned * Decimal("0.35") * spent_share).quantize(Decimal("0.01")),
            ),
        ]
    )


@transaction.atomic
def load() -> None:
    for city in City.objects.all():
        projects = list(Project.objects.filter(cities=city, is_demo=True).order_by("code"))
        if not projects:
            continue
        for year_offset, (slug, title, year) in enumerate(PERIODS):
            period, _created = ReportingPeriod.objects.update_or_create(
                city=city,
                slug=slug,
                defaults={
                    "title": title,
                    "start_date": datetime.date(year, 1, 1),
                    "cut_off_date": datetime.date(year, 12, 31),
                    "is_demo": True,
                },
            )
            # The 2025 report leaves out the last project: it joined later ("new" in 2025).
            members = projects if year_offset else projects[:-1]
            for index, project in enumerate(members):
                _entry(period, project, index, year_offset)
            if not period.versions.exists():
                services.publish(period)
            elif period.status != PeriodStatus.PUBLISHED:
                period.status = PeriodStatus.PUBLISHED
                period.save(update_fields=["status"])


demo_loaders.register("reporting", DemoLoader("reporting", load, order=60))
