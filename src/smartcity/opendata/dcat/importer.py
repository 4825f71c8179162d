"""Import of a DCAT(-AP.de) catalogue file (Turtle, RDF/XML or JSON-LD).

Every ``dcat:Dataset`` becomes a dataset (each in its own transaction; one that cannot be
mapped is skipped with the reason), named after the last segment of its URI or identifier.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from smartcity.opendata import services, vocab
from smartcity.opendata.dcat.export import ADMS, DCATDE, VCARD
from smartcity.opendata.harvest import HarvestReport
from smartcity.opendata.models import Dataset, Organization

FORMATS_BY_SUFFIX = {".ttl": "turtle", ".rdf": "xml", ".xml": "xml", ".jsonld": "json-ld"}


def _text(graph: Graph, node, predicate) -> str:
    values = list(graph.objects(node, predicate))
    german = [value for value in values if getattr(value, "language", None) == "de"]
    chosen = german[0] if german else (values[0] if values else None)
    return str(chosen).strip() if chosen is not None else ""


def _code(value, base: str) -> str:
    text = str(value or "")
    return text[len(base) :] if text.startswith(base) else ""


def _name_for(graph: Graph, node) -> str:
    identifier = _text(graph, node, DCTERMS.identifier) or str(node)
    last = re.split(r"[/#]", identifier.rstrip("/"))[-1]
    return slugify(last)[:100] or slugify(_text(graph, node, DCTERMS.title))[:100]


def _organization(graph: Graph, node) -> Organization:
    publisher = graph.value(node, DCTERMS.publisher)
    title = _text(graph, publisher, FOAF.name) if publisher is not None else ""
    title = title or "Importierte Organisation"
    organization, _ = Organization.objects.get_or_create(
        name=slugify(title)[:100] or "importiert", defaults={"title": title[:200]}
    )
    return organization


def _date(value):
    from datetime import date

    text = str(value or "")[:10]
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def import_dataset(graph: Graph, node, report: HarvestReport, source: str) -> Dataset | None:
    name = _name_for(graph, node)
    existing = Dataset.objects.filter(name=name).first()
    if existing is not None and existing.extras.get("harvest_source") != source:
        report.skipped.append((name, "Kurzname schon von einem anderen Datensatz belegt"))
        return None
    distributions = list(graph.objects(node, DCAT.distribution))
    licences = [graph.value(item, DCTERMS.license) for item in distributions]
    licence = next((vocab.licence_for(str(item)) for item in licences if item is not None), None)
    contact = graph.value(node, DCAT.contactPoint)
    email = str(graph.value(contact, VCARD.hasEmail) or "") if contact is not None else ""
    try:
        with transaction.atomic():
            organization = _organization(graph, node)
            key = _code(
                graph.value(node, DCATDE.politicalGeocodingURI), vocab.MUNICIPALITY_KEY_BASE
            )
            level = _code(
                graph.value(node, DCATDE.politicalGeocodingLevelURI), vocab.GEOCODING_LEVEL_BASE
            )
            period = graph.value(node, DCTERMS.temporal)
            fields = {
                "name": name,
                "title": _text(graph, node, DCTERMS.title),
                "notes": _text(graph, node, DCTERMS.description),
                "organization": organization,
                "license_id": licence.id if licence else vocab.DEFAULT_LICENCE,
                "contact_name": (_text(graph, contact, VCARD.fn) if contact is not None else "")
                or organization.title,
                "contact_email": email.removeprefix("mailto:") or organization.email,
                "municipality_key": key,
                "political_geocoding_level": level or ("municipality" if key else "state"),
                "frequency": _code(
                    graph.value(node, DCTERMS.accrualPeriodicity), vocab.FREQUENCY_BASE
                )
                or "UNKNOWN",
                "language": _code(graph.value(node, DCTERMS.language), vocab.LANGUAGE_BASE)
                or "DEU",
                "contributor_id": _code(
                    graph.value(node, DCATDE.contributorID), vocab.CONTRIBUTOR_BASE
                )
                or vocab.DEFAULT_CONTRIBUTOR,
                "issued": _date(graph.value(node, DCTERMS.issued)),
                "modified": _date(graph.value(node, DCTERMS.modified)),
                "temporal_start": _date(graph.value(period, DCAT.startDate)) if period else None,
                "temporal_end": _date(graph.value(period, DCAT.endDate)) if period else None,
                "extras": {"harvest_source": source, "harvest_id": str(node)},
            }
            themes = services.ensure_groups()
            groups = [
                themes[code]
                for code in (
                    _code(theme, vocab.THEME_BASE) for theme in graph.objects(node, DCAT.theme)
                )
                if code in themes
            ]
            tags = [str(keyword) for keyword in graph.objects(node, DCAT.keyword)]
            dataset = services.save_dataset(fields, dataset=existing, tags=tags, groups=groups)
            for old in list(dataset.distributions.all()):
                services.delete_distribution(old)
            for item in distributions:
                url = graph.value(item, DCAT.downloadURL) or graph.value(item, DCAT.accessURL)
                file_type = vocab.file_type_for(str(graph.value(item, DCTERMS.format) or ""))
                if url is None or file_type is None:
                    continue
                item_licence = vocab.licence_for(str(graph.value(item, DCTERMS.license) or ""))
                status = _code(graph.value(item, ADMS.status), vocab.STATUS_BASE)
                services.save_distribution(
                    dataset,
                    {
                        "name": _text(graph, item, DCTERMS.title) or file_type.label,
                        "description": _text(graph, item, DCTERMS.description),
                        "url": str(url),
                        "format": file_type.code,
                        "license_id": item_licence.id if item_licence else "",
                        "status": status if status in vocab.DISTRIBUTION_STATUSES else "COMPLETED",
                    },
                )
    except ValidationError as error:
        reason = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        report.skipped.append((name, reason))
        return None
    (report.updated if existing else report.created).append(name)
    return dataset


def import_catalogue(data: bytes | str, rdf_format: str, source: str) -> HarvestReport:
    graph = Graph().parse(data=data, format=rdf_format)
    report = HarvestReport()
    for node in sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str):
        if isinstance(node, URIRef) or node is not None:
            import_dataset(graph, node, report, source)
    return report
