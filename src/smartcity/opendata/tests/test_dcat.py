from datetime import timedelta

import pytest
from django.utils import timezone
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from smartcity.opendata.dcat import export, validation
from smartcity.opendata.models import Dataset
from smartcity.opendata.tests import factories

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")


@pytest.fixture
def shapes_available():
    # The shapes ship with the package: a missing folder is a packaging error.
    assert validation.shapes_dir().is_dir(), validation.shapes_dir()


def _full_catalogue(cities):
    org = factories.organization(
        "umweltamt", city=cities["dortmund"], website="https://dortmund.de/"
    )
    trees = factories.dataset(
        "baumkataster",
        org=org,
        title="Baumkataster",
        tags=["Bäume"],
        groups=["ENVI"],
        city=cities["dortmund"],
        temporal_start=timezone.now().date() - timedelta(days=400),
        temporal_end=timezone.now().date(),
        documentation="https://example.org/doku",
        version="1.0",
    )
    factories.csv_distribution(trees)
    from smartcity.opendata import services

    services.save_distribution(
        trees,
        {"url": "https://example.org/baeume.json", "format": "JSON", "license_id": "cc-by/4.0"},
    )
    factories.dataset("schwerte-spiel", org=org, title="Spielplätze", city=cities["schwerte"])


def test_catalogue_and_dataset_validate_with_zero_violations(client, cities, shapes_available):
    _full_catalogue(cities)
    from smartcity.core.demo import load_cities  # noqa: F401 - cities loaded by the fixture
    from smartcity.opendata import demo

    demo.load()
    response = client.get("/catalog.ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == min(100, Dataset.objects.count())
    conforms, violations, report = validation.validate(graph)
    assert violations == 0, report
    single = Graph().parse(data=client.get("/dataset/baumkataster.ttl").content, format="turtle")
    assert validation.validate(single)[1] == 0
    # The validation does bite: a dataset without title and description violates the shapes.
    node = URIRef("http://testserver/dataset/baumkataster")
    single.remove((node, DCTERMS.title, None))
    single.remove((node, DCTERMS.description, None))
    assert validation.validate(single)[1] >= 2


def test_dataset_carries_govdata_conventions(client, cities):
    _full_catalogue(cities)
    graph = Graph().parse(data=client.get("/dataset/baumkataster.rdf").content, format="xml")
    node = URIRef("http://testserver/dataset/baumkataster")
    assert (node, RDF.type, DCAT.Dataset) in graph
    assert graph.value(node, DCATDE.contributorID) == URIRef(
        "http://dcat-ap.de/def/contributors/openNRW"
    )
    assert graph.value(node, DCATDE.politicalGeocodingURI) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05913000"
    )
    licences = {
        str(graph.value(item, DCTERMS.license)) for item in graph.objects(node, DCAT.distribution)
    }
    assert licences == {
        "http://dcat-ap.de/def/licenses/dl-by-de/2.0",
        "http://dcat-ap.de/def/licenses/cc-by/4.0",
    }
    formats = {
        str(graph.value(item, DCTERMS.format)) for item in graph.objects(node, DCAT.distribution)
    }
    assert "http://publications.europa.eu/resource/authority/file-type/CSV" in formats
    jsonld = client.get("/dataset/baumkataster.jsonld")
    assert jsonld["Content-Type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.content, format="json-ld")) == len(graph)
    assert client.get("/dataset/gibt-es-nicht.ttl").status_code == 404


def test_catalogue_pages_with_hydra_and_modified_since(client, cities):
    org = factories.organization("amt")
    for number in range(export.PAGE_SIZE + 5):
        factories.dataset(f"ds-{number:03d}", org=org)
    first = Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    page_node = next(first.subjects(RDF.type, HYDRA.PagedCollection))
    assert int(first.value(page_node, HYDRA.totalItems)) == export.PAGE_SIZE + 5
    assert str(first.value(page_node, HYDRA.next)).endswith("/catalog.ttl?page=2")
    assert str(first.value(page_node, HYDRA.lastPage)).endswith("/catalog.ttl?page=2")
    second = Graph().parse(data=client.get("/catalog.ttl?page=2").content, format="turtle")
    first_ids = set(first.subjects(RDF.type, DCAT.Dataset))
    second_ids = set(second.subjects(RDF.type, DCAT.Dataset))
    assert len(first_ids) == export.PAGE_SIZE and len(second_ids) == 5
    assert not first_ids & second_ids
    assert client.get("/catalog.ttl?page=3").status_code == 404
    assert client.get("/catalog.ttl?page=null").status_code == 400

    Dataset.objects.update(metadata_modified=timezone.now() - timedelta(days=30))
    Dataset.objects.filter(name="ds-007").update(metadata_modified=timezone.now())
    since = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = Graph().parse(
        data=client.get(f"/catalog.ttl?modified_since={since}").content, format="turtle"
    )
    assert [str(item) for item in recent.subjects(RDF.type, DCAT.Dataset)] == [
        "http://testserver/dataset/ds-007"
    ]
    assert client.get("/catalog.ttl?modified_since=gestern").status_code == 400
