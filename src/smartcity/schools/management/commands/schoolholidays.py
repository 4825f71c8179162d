"""``smartcity schoolholidays FILE.csv [--state NW]`` or ``--nrw-2026-27``: import school holidays.

The CSV has a header ``name,start,end`` (first and last day, ISO dates). Rows are added or
updated by (state, first day); all or nothing.
"""

import csv
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from smartcity.schools import calendar


class Command(BaseCommand):
    help = "Import school holidays (CSV: name,start,end) or the built-in NRW dates 2026/27."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV file with name,start,end")
        parser.add_argument("--state", default=calendar.STATE, help="federal state code (NW)")
        parser.add_argument(
            "--nrw-2026-27", action="store_true", help="the NRW school holidays 2026/27"
        )

    def handle(self, *args, **options):
        if options["nrw_2026_27"]:
            rows = calendar.NRW_HOLIDAYS_2026_27
        elif options["file"]:
            rows = []
            with open(options["file"], encoding="utf-8", newline="") as handle:
                for number, row in enumerate(csv.DictReader(handle), start=2):
                    try:
                        rows.append(
                            (
                                row["name"],
                                date.fromisoformat(row["start"]),
                                date.fromisoformat(row["end"]),
                            )
                        )
                    except (KeyError, ValueError, TypeError) as error:
                        raise CommandError(
                            f"line {number}: needs name,start,end with ISO dates ({error})"
                        ) from error
        else:
            raise CommandError("give a CSV file or --nrw-2026-27")
        try:
            with transaction.atomic():
                count = calendar.import_holidays(rows, options["state"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{count} school holiday periods imported ({options['state']})")
