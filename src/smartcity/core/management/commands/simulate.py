"""``smartcity simulate <name> [options]``: run one of the registered data simulators."""

from django.core.management.base import BaseCommand, CommandError

from smartcity.core.registries import simulators


class Command(BaseCommand):
    help = "Simulate sensor data (e.g. bridges, schools) through the platform's own APIs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="simulator", metavar="SIMULATOR")
        sub.required = True
        for simulator in simulators:
            simulator_parser = sub.add_parser(simulator.name, help=simulator.help)
            simulator.add_arguments(simulator_parser)

    def handle(self, *args, **options):
        name = options.pop("simulator")
        if name not in simulators:
            raise CommandError(f"Unknown simulator {name!r}; known: {simulators.names()}")
        simulators[name].run(options, self.stdout)
