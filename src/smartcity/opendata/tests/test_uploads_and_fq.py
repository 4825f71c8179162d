import io
import struct
import zipfile
import zlib
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook
from PIL import Image
from rdflib import Graph
from rdflib.compare import isomorphic

from smartcity.opendata import services
from smartcity.opendata.ckan import fq
from smartcity.opendata.dcat import export
from smartcity.opendata.search import AllOf, AnyOf, MatchAll, Range, SearchError, Term
from smartcity.opendata.tests import factories


def _workbook_with_author() -> bytes:
    workbook = Workbook()
    workbook.properties.creator = "Erika Mustermann"
    workbook.properties.lastModifiedBy = "Max Beispiel"
    workbook.active.append(["a", "b"])
    workbook.active.append([1, 2])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_is_stored_without_author_names(db):
    dataset = factories.dataset()
    content = _workbook_with_author()
    assert b"Erika Mustermann" in zipfile.ZipFile(io.BytesIO(content)).read("docProps/core.xml")
    distribution = services.save_distribution(dataset, {}, content=content, filename="t.xlsx")
    stored = distribution.file.open("rb").read()
    core = zipfile.ZipFile(io.BytesIO(stored)).read("docProps/core.xml")
    assert b"Mustermann" not in core and b"Beispiel" not in core
    assert distribution.size == len(stored)
    assert distribution.format == "XLSX"


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (30, 20), "blue")
    exif = Image.Exif()
    exif[0x010F] = "Kamera GmbH"  # Make
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _png_bomb(side=30_000) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_image_distribution_is_stored_without_exif_or_gps(db):
    dataset = factories.dataset()
    content = _jpeg_with_gps()
    distribution = services.save_distribution(dataset, {}, content=content, filename="f.jpg")
    stored = distribution.file.open("rb").read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (30, 20)
        assert dict(image.getexif()) == {}
    assert b"Kamera GmbH" not in stored
    assert distribution.size == len(stored)


def test_image_bomb_and_mislabelled_image_are_refused(db):
    dataset = factories.dataset()
    with pytest.raises(ValidationError) as caught:
        services.save_distribution(dataset, {}, content=_png_bomb(), filename="karte.png")
    assert "Bildpunkte" in caught.value.message_dict["upload"][0]
    # JPEG magic, but not a picture Pillow can read as JPEG
    with pytest.raises(ValidationError) as caught:
        services.save_distribution(
            dataset, {}, content=b"\xff\xd8\xff" + b"x" * 64, filename="foto.jpg"
        )
    assert "upload" in caught.value.message_dict
    assert not dataset.distributions.exists()


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("karte.geojson", b'{"type": "Point"}'),
        ("daten.json", b"{kaputt"),
        ("tabelle.xlsx", b"PK\x03\x04 no workbook"),
        ("bericht.pdf", b"<html>"),
        ("daten.csv", b"a,b\x00\x00"),
    ],
)
def test_content_must_match_the_format(db, filename, content):
    dataset = factories.dataset()
    with pytest.raises(ValidationError) as caught:
        services.save_distribution(dataset, {}, content=content, filename=filename)
    assert "upload" in caught.value.message_dict
    assert not dataset.distributions.exists()


def test_unknown_format_and_licence_are_named(db):
    dataset = factories.dataset()
    with pytest.raises(ValidationError) as caught:
        services.save_distribution(dataset, {"url": "https://example.org/x", "format": "DOCX"})
    assert "format" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.save_distribution(
            dataset, {"url": "https://example.org/x", "format": "CSV", "license_id": "frei"}
        )
    assert "license_id" in caught.value.message_dict


def test_fq_parser_builds_the_expected_tree():
    assert fq.parse('tags:"Öffentlicher Verkehr"') == Term("tags", ("Öffentlicher Verkehr",))
    assert fq.parse("-res_format:CSV") == Term("res_format", ("CSV",), negate=True)
    assert fq.parse("tags:a OR tags:b") == AnyOf((Term("tags", ("a",)), Term("tags", ("b",))))
    assert fq.parse("tags:a AND NOT groups:envi") == AllOf(
        (Term("tags", ("a",)), Term("groups", ("envi",), negate=True))
    )
    assert fq.parse("+dataset_type:dataset") == MatchAll()
    ranged = fq.parse("metadata_modified:{2024-01-01T00:00:00Z TO *]")
    assert ranged == Range(
        "metadata_modified", datetime(2024, 1, 1, tzinfo=UTC), None, include_low=False
    )


@pytest.mark.parametrize(
    "text",
    ["tags:(a", "metadata_modified:[gestern TO *]", "tags:[a TO b]", "tags:", "AND", "*:foo"],
)
def test_fq_parser_rejects_malformed_queries(text):
    with pytest.raises(SearchError):
        fq.parse(text)


def test_fast_turtle_is_the_same_graph(db, cities):
    dataset = factories.dataset(
        "baeume", tags=["Bäume"], notes='Zitat: "Bäume" \\ Ende', groups=["ENVI"]
    )
    factories.csv_distribution(dataset)
    page = export.catalog_page("https://portal.example", "/catalog.ttl", "ttl", 1)
    parsed = Graph().parse(data=export.serialize(page.graph, "ttl"), format="turtle")
    assert isomorphic(parsed, page.graph)
