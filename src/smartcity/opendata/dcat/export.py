"""The catalogue as DCAT-AP.de 3.0 (RDF): catalogue pages with Hydra paging, single datasets.

Follows GovData's conventions: ``dcatde:contributorID`` from the contributor list, licences
from the dcat-ap.de licence list, formats from the EU file-type table, the publisher as a
``foaf:Agent``, political geocoding level and municipality key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from math import ceil
from urllib.parse import urlencode

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, XSD

from smartcity.opendata import vocab
from smartcity.opendata.models import Dataset, related

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
IANA = "https://www.iana.org/assignments/media-types/"
PAGE_SIZE = 100
# DCAT 3 term missing from rdflib's closed DCAT namespace.
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")
FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "rdf": ("xml", "application/rdf+xml; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json; charset=utf-8"),
}
CATALOG_TITLE = "Offene Daten Dortmund und Schwerte"
CATALOG_DESCRIPTION = (
    "Der Open-Data-Katalog der Smart-City-Plattform Dortmund Schwerte: Datensätze der "
    "Städte, ihrer Ämter und Partner."
)


def new_graph() -> Graph:
    # Only our prefixes: rdflib's ~30 default ones make every URI's prefix lookup slow.
    graph = Graph(bind_namespaces="none")
    graph.bind("rdf", RDF)
    graph.bind("xsd", XSD)
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("dcatde", DCATDE),
        ("vcard", VCARD),
        ("hydra", HYDRA),
        ("adms", ADMS),
        ("spdx", SPDX),
        ("owl", OWL),
        ("locn", LOCN),
    ):
        graph.bind(prefix, namespace)
    return graph


def _date(value) -> Literal:
    if isinstance(value, datetime):
        return Literal(value.astimezone(UTC).replace(microsecond=0), datatype=XSD.dateTime)
    return Literal(value, datatype=XSD.date)


def _agent(graph: Graph, base: str, organization) -> URIRef:
    node = URIRef(f"{base}/organization/{organization.name}")
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, FOAF.name, Literal(organization.title, lang="de")))
    if organization.email:
        graph.add((node, FOAF.mbox, URIRef(f"mailto:{organization.email}")))
    if organization.website:
        graph.add((node, FOAF.homepage, URIRef(organization.website)))
    graph.add((node, DCTERMS.type, URIRef("http://purl.org/adms/publishertype/LocalAuthority")))
    return node


def dataset_uri(base: str, dataset: Dataset) -> URIRef:
    return URIRef(f"{base}/dataset/{dataset.name}")


def add_dataset(graph: Graph, base: str, dataset: Dataset) -> URIRef:
    node = dataset_uri(base, dataset)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(node))))
    graph.add((node, DCTERMS.title, Literal(dataset.title, lang="de")))
    graph.add((node, DCTERMS.description, Literal(dataset.notes, lang="de")))
    for tag in related(dataset, "tags"):
        graph.add((node, DCAT.keyword, Literal(tag.name, lang="de")))
    for group in related(dataset, "groups"):
        graph.add((node, DCAT.theme, URIRef(group.theme_uri)))
    graph.add((node, DCTERMS.publisher, _agent(graph, base, dataset.organization)))
    contact = URIRef(f"{node}#contact")
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(dataset.contact_name)))
    if dataset.contact_email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))
    graph.add((node, DCATDE.contributorID, URIRef(vocab.CONTRIBUTOR_BASE + dataset.contributor_id)))
    graph.add(
        (
            node,
            DCATDE.politicalGeocodingLevelURI,
            URIRef(vocab.GEOCODING_LEVEL_BASE + dataset.political_geocoding_level),
        )
    )
    municipality_key = dataset.effective_municipality_key()
    if municipality_key:
        place = URIRef(vocab.MUNICIPALITY_KEY_BASE + municipality_key)
        graph.add((node, DCATDE.politicalGeocodingURI, place))
        graph.add((node, DCTERMS.spatial, place))
        graph.add((place, RDF.type, DCTERMS.Location))
    if dataset.temporal_start or dataset.temporal_end:
        period = URIRef(f"{node}#temporal")
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            graph.add((period, DCAT.startDate, _date(dataset.temporal_start)))
        if dataset.temporal_end:
            graph.add((period, DCAT.endDate, _date(dataset.temporal_end)))
    graph.add((node, DCTERMS.accrualPeriodicity, URIRef(vocab.FREQUENCY_BASE + dataset.frequency)))
    graph.add((node, DCTERMS.language, URIRef(vocab.LANGUAGE_BASE + dataset.language)))
    graph.add((node, DCTERMS.issued, _date(dataset.issued or dataset.metadata_created)))
    graph.add((node, DCTERMS.modified, _date(dataset.modified or dataset.metadata_modified)))
    if dataset.url:
        graph.add((node, DCAT.landingPage, URIRef(dataset.url)))
        graph.add((URIRef(dataset.url), RDF.type, FOAF.Document))
    else:
        page = URIRef(f"{base}/daten/{dataset.name}/")
        graph.add((node, DCAT.landingPage, page))
        graph.add((page, RDF.type, FOAF.Document))
    if dataset.documentation:
        graph.add((node, FOAF.page, URIRef(dataset.documentation)))
        graph.add((URIRef(dataset.documentation), RDF.type, FOAF.Document))
    if dataset.version:
        graph.add((node, DCAT_VERSION, Literal(dataset.version)))
    for distribution in related(dataset, "distributions"):
        graph.add((node, DCAT.distribution, add_distribution(graph, base, dataset, distribution)))
    return node


def add_distribution(graph: Graph, base: str, dataset: Dataset, distribution) -> URIRef:
    node = URIRef(f"{base}/dataset/{dataset.name}/resource/{distribution.id}")
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(distribution.name, lang="de")))
    if distribution.description:
        graph.add((node, DCTERMS.description, Literal(distribution.description, lang="de")))
    if distribution.file:
        url = URIRef(base + distribution.download_path())
        graph.add((node, DCAT.downloadURL, url))
    else:
        url = URIRef(distribution.url)
    graph.add((node, DCAT.accessURL, url))
    graph.add((node, DCTERMS.format, URIRef(vocab.FILE_TYPE_BASE + distribution.format)))
    graph.add(
        (URIRef(vocab.FILE_TYPE_BASE + distribution.format), RDF.type, DCTERMS.MediaTypeOrExtent)
    )
    if distribution.media_type:
        media = URIRef(IANA + distribution.media_type)
        graph.add((node, DCAT.mediaType, media))
        graph.add((media, RDF.type, DCTERMS.MediaType))
    graph.add(
        (node, DCTERMS.license, URIRef(vocab.LICENCE_BASE + distribution.effective_license_id))
    )
    graph.add((node, ADMS.status, URIRef(vocab.STATUS_BASE + distribution.status)))
    if distribution.size is not None:
        graph.add(
            (node, DCAT.byteSize, Literal(distribution.size, datatype=XSD.nonNegativeInteger))
        )
    if distribution.checksum:
        checksum = URIRef(f"{node}#checksum")
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add(
            (checksum, SPDX.checksumValue, Literal(distribution.checksum, datatype=XSD.hexBinary))
        )
    graph.add((node, DCTERMS.issued, _date(distribution.created)))
    graph.add((node, DCTERMS.modified, _date(distribution.last_modified)))
    return node


def _catalog_node(graph: Graph, base: str) -> URIRef:
    catalog = URIRef(f"{base}/catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(CATALOG_TITLE, lang="de")))
    graph.add((catalog, DCTERMS.description, Literal(CATALOG_DESCRIPTION, lang="de")))
    graph.add((catalog, FOAF.homepage, URIRef(f"{base}/daten/")))
    graph.add((URIRef(f"{base}/daten/"), RDF.type, FOAF.Document))
    graph.add((catalog, DCTERMS.language, URIRef(vocab.LANGUAGE_BASE + "DEU")))
    publisher = URIRef(f"{base}/organization/smart-city-plattform")
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal("Smart City Dortmund Schwerte", lang="de")))
    graph.add(
        (publisher, DCTERMS.type, URIRef("http://purl.org/adms/publishertype/LocalAuthority"))
    )
    return catalog


@dataclass
class CatalogPage:
    graph: Graph
    total: int
    page: int
    last_page: int


def catalog_queryset(modified_since: datetime | None = None):
    queryset = (
        Dataset.objects.public()
        .select_related("organization", "city")
        .defer("search_text", "search_title")
    )
    if modified_since is not None:
        queryset = queryset.filter(metadata_modified__gte=modified_since)
    # By id: served by an index, and a dataset changed while a harvester pages through the
    # catalogue keeps its page (ordering by change date would move it and skip others).
    return queryset.prefetch_related("tags", "groups", "distributions").order_by("id")


def catalog_page(base: str, path: str, fmt: str, page: int, modified_since=None) -> CatalogPage:
    """One page of the catalogue (``page`` from 1); ``path`` is the page's own address."""
    queryset = catalog_queryset(modified_since)
    total = queryset.count()
    last_page = max(1, ceil(total / PAGE_SIZE))
    graph = new_graph()
    catalog = _catalog_node(graph, base)
    for dataset in queryset[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
        graph.add((catalog, DCAT.dataset, add_dataset(graph, base, dataset)))

    def page_url(number: int) -> URIRef:
        query = {"page": number}
        if modified_since is not None:
            query["modified_since"] = modified_since.isoformat()
        return URIRef(f"{base}{path}?{urlencode(query)}")

    collection = page_url(page)
    graph.add((collection, RDF.type, HYDRA.PagedCollection))
    graph.add((collection, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    graph.add((collection, HYDRA.itemsPerPage, Literal(PAGE_SIZE, datatype=XSD.integer)))
    links = {"first": 1, "last": last_page}
    if page < last_page:
        links["next"] = page + 1
    if page > 1:
        links["previous"] = page - 1
    for name, number in links.items():
        # Hydra's current terms and the older ones that ckanext-dcat and GovData read.
        graph.add((collection, HYDRA[name], page_url(number)))
        graph.add((collection, HYDRA[f"{name}Page"], page_url(number)))
    return CatalogPage(graph, total, page, last_page)


def dataset_graph(base: str, dataset: Dataset) -> Graph:
    graph = new_graph()
    add_dataset(graph, base, dataset)
    return graph


LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def turtle(graph: Graph) -> bytes:
    """Turtle, written directly: rdflib's serializer spends most of a catalogue page's time
    looking up prefixes. Our graphs have no blank nodes, so subjects group simply."""
    prefixes = sorted(((prefix, str(namespace)) for prefix, namespace in graph.namespaces()),
                      key=lambda item: -len(item[1]))  # fmt: skip

    def term(node) -> str:
        if isinstance(node, URIRef):
            text = str(node)
            for prefix, namespace in prefixes:
                if text.startswith(namespace) and LOCAL_NAME.fullmatch(text[len(namespace) :]):
                    return f"{prefix}:{text[len(namespace) :]}"
        return node.n3()

    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in sorted(prefixes)]
    for subject in sorted(set(graph.subjects()), key=str):
        statements = []
        for predicate, value in sorted(graph.predicate_objects(subject)):
            verb = "a" if predicate == RDF.type else term(predicate)
            statements.append(f"    {verb} {term(value)}")
        lines.append(f"\n{term(subject)}\n" + " ;\n".join(statements) + " .")
    return ("\n".join(lines) + "\n").encode()


def serialize(graph: Graph, fmt: str) -> bytes:
    rdflib_format, _ = FORMATS[fmt]
    if rdflib_format == "turtle":
        return turtle(graph)
    if rdflib_format == "json-ld":
        context = {
            "dcat": str(DCAT),
            "dct": str(DCTERMS),
            "foaf": str(FOAF),
            "dcatde": str(DCATDE),
            "vcard": str(VCARD),
            "hydra": str(HYDRA),
            "adms": str(ADMS),
            "spdx": str(SPDX),
        }
        return graph.serialize(format="json-ld", context=context, auto_compact=True).encode()
    return graph.serialize(format=rdflib_format, encoding="utf-8")
