"""Many map features for the benchmark and the browser smoke test: real projects (bulk
inserted) indexed by the same ``rebuild_all`` the import uses."""

import random

from smartcity.portfolio.models import ActionField, Project
from smartcity.portfolio.services import mapindex

STATUSES = ["planned", "in_progress", "pilot", "in_operation", "completed"]


def create_map_entries(count: int, city, seed: int = 7, start: int = 0) -> int:
    """``count`` published projects spread over ``city`` (numbered from ``start``, so a second
    call adds more); returns the map entry count."""
    rng = random.Random(seed + start)  # noqa: S311 - reproducible test data, not secrets
    fields = list(ActionField.objects.all())
    projects = []
    for number in range(start, start + count):
        lon = 7.30 + rng.random() * 0.35
        lat = 51.42 + rng.random() * 0.18
        projects.append(
            Project(
                code=f"B {number:05d}",
                slug=f"bench-{number:05d}",
                title=f"Messpunkt {number}",
                summary="Ein Sensor im Stadtgebiet.",
                status=STATUSES[number % len(STATUSES)],
                location={"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                search_text=f" messpunkt {number} sensor ",
            )
        )
    Project.objects.bulk_create(projects, batch_size=2000)
    created = list(
        Project.objects.filter(slug__in=[project.slug for project in projects]).values_list(
            "pk", flat=True
        )
    )
    Project.cities.through.objects.bulk_create(
        [Project.cities.through(project_id=pk, city_id=city.pk) for pk in created],
        batch_size=5000,
    )
    if fields:
        Project.action_fields.through.objects.bulk_create(
            [
                Project.action_fields.through(
                    project_id=pk, actionfield_id=fields[index % len(fields)].pk
                )
                for index, pk in enumerate(created)
            ],
            batch_size=5000,
        )
    return mapindex.rebuild_all()
