"""Offline validation of our DCAT-AP.de output against the official SHACL shapes (pyshacl).

The shapes and vocabularies are read from ``SMARTCITY_DCAT_SHAPES_DIR`` (default: the
project's shared standards folder ``../shared/standards/dcat-ap-de``). As the standards notes
say, the vocabularies go into the data graph, not the ontology graph.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

SHAPE_FILES = (
    "dcat-ap-SHACL.ttl",
    "dcat-ap-SHACL-DE.ttl",
    "dcat-ap-de-deprecated.ttl",
    "dcat-ap-spec-german-additions.ttl",
    "dcat-ap-de-controlledvocabularies.ttl",
)
VOCABULARY_FILES = (
    "vocabularies-subset.ttl",
    "foaf_0_1.rdf",
    "vcard.ttl",
    "org.ttl",
    "dcat-ap-de-contributors.rdf",
    "dcat-ap-de-licenses-open.rdf",
)


def shapes_dir() -> Path:
    configured = os.environ.get("SMARTCITY_DCAT_SHAPES_DIR")
    if configured:
        return Path(configured)
    # A copy ships with the package, so validation never depends on files outside it.
    return Path(__file__).resolve().parent / "shapes"


def _parse(path: Path, graph: Graph) -> None:
    graph.parse(path, format="xml" if path.suffix == ".rdf" else "turtle")


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    graph = Graph()
    for name in SHAPE_FILES:
        _parse(shapes_dir() / name, graph)
    return graph


@lru_cache(maxsize=1)
def vocabulary_graph() -> Graph:
    graph = Graph()
    for name in VOCABULARY_FILES:
        _parse(shapes_dir() / name, graph)
    return graph


def validate(data: Graph) -> tuple[bool, int, str]:
    """(conforms, number of violations, report text) for ``data``."""
    from pyshacl import validate as shacl_validate
    from rdflib.namespace import Namespace

    combined = Graph()
    for triple in data:
        combined.add(triple)
    for triple in vocabulary_graph():
        combined.add(triple)
    conforms, report_graph, report_text = shacl_validate(
        combined, shacl_graph=shapes_graph(), inference="rdfs", allow_warnings=True
    )
    sh = Namespace("http://www.w3.org/ns/shacl#")
    violations = len(list(report_graph.subjects(sh.resultSeverity, sh.Violation)))
    return conforms, violations, report_text
