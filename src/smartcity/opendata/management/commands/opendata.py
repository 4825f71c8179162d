"""``smartcity opendata <subcommand>``: import, export and publication of the catalogue.

harvest-ckan URL [--limit N] [--fq QUERY]   import all datasets of a CKAN portal
import-dcat FILE [--source NAME]            import a DCAT(-AP.de) catalogue file
export-dcat [--format ttl|rdf|jsonld] [--output FILE] [--base-url URL]
                                            the whole catalogue as one DCAT-AP.de file
publish [NAME …]                            refresh automatic publications now
reindex                                     rebuild the search column of every dataset
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartcity.core.registries import publications


class Command(BaseCommand):
    help = "Offene Daten: CKAN-Harvesting, DCAT-Import/-Export, Veröffentlichungen, Suchindex."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        harvest = commands.add_parser("harvest-ckan", help="CKAN-Portal übernehmen")
        harvest.add_argument("url")
        harvest.add_argument("--limit", type=int, default=None)
        harvest.add_argument("--fq", default="")
        dcat_import = commands.add_parser("import-dcat", help="DCAT-Katalogdatei übernehmen")
        dcat_import.add_argument("file")
        dcat_import.add_argument("--source", default=None)
        export = commands.add_parser("export-dcat", help="Katalog als DCAT-AP.de-Datei")
        export.add_argument("--format", choices=["ttl", "rdf", "jsonld"], default="ttl")
        export.add_argument("--output", default="-")
        export.add_argument("--base-url", default="http://localhost:8000")
        publish = commands.add_parser("publish", help="automatische Veröffentlichungen erneuern")
        publish.add_argument("names", nargs="*")
        commands.add_parser("reindex", help="Suchspalten neu aufbauen")

    def handle(self, *args, subcommand, **options):
        handler = getattr(self, "do_" + subcommand.replace("-", "_"))
        return handler(**options)

    def _report(self, report):
        for name, reason in report.skipped:
            self.stderr.write(f"übersprungen {name}: {reason}")
        self.stdout.write(report.summary())

    def do_harvest_ckan(self, url, limit, fq, **options):
        from smartcity.opendata.harvest import HarvestError, harvest_ckan

        try:
            report = harvest_ckan(url, limit=limit, fq=fq)
        except HarvestError as error:
            raise CommandError(str(error)) from error
        self._report(report)

    def do_import_dcat(self, file, source, **options):
        from smartcity.opendata.dcat.importer import FORMATS_BY_SUFFIX, import_catalogue

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: keine Datei")
        rdf_format = FORMATS_BY_SUFFIX.get(path.suffix.lower())
        if rdf_format is None:
            raise CommandError(f"{file}: erwartet .ttl, .rdf, .xml oder .jsonld")
        try:
            report = import_catalogue(path.read_bytes(), rdf_format, source or path.name)
        except Exception as error:  # rdflib raises many kinds of parse errors
            raise CommandError(f"{file}: kein lesbares RDF ({error})") from error
        self._report(report)

    def do_export_dcat(self, format, output, base_url, **options):
        from smartcity.opendata.dcat import export

        graph = export.new_graph()
        catalog = export._catalog_node(graph, base_url.rstrip("/"))
        for dataset in export.catalog_queryset().iterator(chunk_size=500):
            graph.add((catalog, export.DCAT.dataset, export.add_dataset(graph, base_url, dataset)))
        data = export.serialize(graph, format)
        if output == "-":
            self.stdout.write(data.decode())
        else:
            Path(output).write_bytes(data)
            self.stdout.write(f"{output}: {len(data)} Bytes")

    def do_publish(self, names, **options):
        from smartcity.opendata import publishing

        unknown = [name for name in names if name not in publications]
        if unknown:
            raise CommandError(
                f"unbekannt: {', '.join(unknown)}; vorhanden: {', '.join(publications.names())}"
            )
        for name in names or publications.names():
            self.stdout.write(f"{name}: {publishing.refresh(name)} Datei(en) erneuert")

    def do_reindex(self, **options):
        from smartcity.opendata import services
        from smartcity.opendata.models import Dataset

        count = 0
        for dataset in Dataset.objects.select_related("organization", "city").iterator(
            chunk_size=500
        ):
            services.reindex(dataset)
            count += 1
        self.stdout.write(f"{count} Datensätze neu indiziert")
