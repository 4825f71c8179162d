"""The controlled vocabularies of DCAT-AP.de, as a committed subset.

Licences come from the dcat-ap.de licence list (http://dcat-ap.de/def/licenses), formats from
the EU file-type table, themes from the 13 EU data themes, frequencies and languages from the EU
authority tables. The identifiers are exactly those of the lists, so our exports validate
against the SHACL shapes and GovData maps them without guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

LICENCE_BASE = "http://dcat-ap.de/def/licenses/"
FILE_TYPE_BASE = "http://publications.europa.eu/resource/authority/file-type/"
THEME_BASE = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"
LANGUAGE_BASE = "http://publications.europa.eu/resource/authority/language/"
STATUS_BASE = "http://publications.europa.eu/resource/authority/distribution-status/"
GEOCODING_LEVEL_BASE = "http://dcat-ap.de/def/politicalGeocoding/Level/"
MUNICIPALITY_KEY_BASE = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/"
CONTRIBUTOR_BASE = "http://dcat-ap.de/def/contributors/"
# Dortmund and Schwerte deliver to GovData through the state portal Open.NRW.
DEFAULT_CONTRIBUTOR = "openNRW"


@dataclass(frozen=True)
class Licence:
    id: str
    title: str
    url: str = ""
    open: bool = True

    @property
    def uri(self) -> str:
        return LICENCE_BASE + self.id


_LICENCES = [
    Licence("apache", "Freie Softwarelizenz der Apache Software Foundation"),
    Licence("bsd", "BSD Lizenz"),
    Licence("cc-by", "Creative Commons Namensnennung (CC-BY)"),
    Licence("cc-by-de/3.0", "Creative Commons Namensnennung 3.0 Deutschland (CC BY 3.0 DE)"),
    Licence("cc-by-nc", "Creative Commons Namensnennung - Nicht kommerziell (CC BY-NC)", "", False),
    Licence("cc-by-nc/4.0", "Creative Commons Namensnennung - Nicht kommerziell 4.0", "", False),
    Licence("cc-by-nd", "Creative Commons Namensnennung - Keine Bearbeitung (CC BY-ND)"),
    Licence("cc-by-nd/4.0", "Creative Commons Namensnennung - Keine Bearbeitung 4.0"),
    Licence("cc-by-sa", "Creative Commons Namensnennung - Weitergabe unter gleichen Bedingungen"),
    Licence(
        "cc-by-sa/4.0",
        "Creative Commons Namensnennung - Weitergabe unter gleichen Bedingungen 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    Licence(
        "cc-by/4.0",
        "Creative Commons Namensnennung – 4.0 International (CC BY 4.0)",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    Licence(
        "cc-zero",
        "Creative Commons CC Zero License (cc-zero)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    Licence("ccpdm/1.0", "Public Domain Mark 1.0 (PDM)"),
    Licence(
        "dl-by-de/2.0",
        "Datenlizenz Deutschland Namensnennung 2.0",
        "https://www.govdata.de/dl-de/by-2-0",
    ),
    Licence(
        "dl-zero-de/2.0",
        "Datenlizenz Deutschland – Zero – Version 2.0",
        "https://www.govdata.de/dl-de/zero-2-0",
    ),
    Licence("gfdl", "GNU Free Documentation License (GFDL)"),
    Licence("gpl/3.0", "GNU General Public License version 3.0 (GPLv3)"),
    Licence("mozilla", "Mozilla Public License 2.0 (MPL)"),
    Licence("odbl", "Open Data Commons Open Database License (ODbL)"),
    Licence("odby", "Open Data Commons Attribution License (ODC-BY 1.0)"),
    Licence("odcpddl", "Open Data Commons Public Domain Dedication and Licence (ODC PDDL)"),
    Licence("officialWork", "Amtliches Werk, lizenzfrei nach §5 Abs. 1 UrhG"),
    Licence("other-closed", "Andere geschlossene Lizenz", "", False),
    Licence("other-commercial", "Andere kommerzielle Lizenz", "", False),
    Licence("other-freeware", "Andere Freeware Lizenz", "", False),
    Licence("other-open", "Andere offene Lizenz"),
    Licence("other-opensource", "Andere Open Source Lizenz"),
]
LICENCES = {licence.id: licence for licence in _LICENCES}
DEFAULT_LICENCE = "dl-by-de/2.0"


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    media_type: str
    extensions: tuple[str, ...] = ()

    @property
    def uri(self) -> str:
        return FILE_TYPE_BASE + self.code


_FILE_TYPES = [
    FileType("CSV", "CSV", "text/csv", ("csv",)),
    FileType("JSON", "JSON", "application/json", ("json",)),
    FileType("GEOJSON", "GeoJSON", "application/geo+json", ("geojson",)),
    FileType(
        "XLSX",
        "Excel (XLSX)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ("xlsx",),
    ),
    FileType("XLS", "Excel (XLS)", "application/vnd.ms-excel", ("xls",)),
    FileType(
        "ODS", "OpenDocument-Tabelle", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)
    ),
    FileType("PDF", "PDF", "application/pdf", ("pdf",)),
    FileType("XML", "XML", "application/xml", ("xml",)),
    FileType("RDF_TURTLE", "RDF Turtle", "text/turtle", ("ttl",)),
    FileType("RDF_XML", "RDF/XML", "application/rdf+xml", ("rdf",)),
    FileType("JSON_LD", "JSON-LD", "application/ld+json", ("jsonld",)),
    FileType("ZIP", "ZIP", "application/zip", ("zip",)),
    FileType("HTML", "HTML", "text/html", ("html", "htm")),
    FileType("SHP", "Shapefile", "application/x-shapefile", ("shp",)),
    FileType("GML", "GML", "application/gml+xml", ("gml",)),
    FileType("KML", "KML", "application/vnd.google-earth.kml+xml", ("kml",)),
    FileType("KMZ", "KMZ", "application/vnd.google-earth.kmz", ("kmz",)),
    FileType("WMS_SRVC", "WMS-Dienst", "application/xml"),
    FileType("WFS_SRVC", "WFS-Dienst", "application/xml"),
    FileType("TXT", "Text", "text/plain", ("txt",)),
    FileType("PNG", "PNG", "image/png", ("png",)),
    FileType("JPEG", "JPEG", "image/jpeg", ("jpg", "jpeg")),
    FileType("TIFF", "TIFF", "image/tiff", ("tif", "tiff")),
    FileType("GEOTIFF", "GeoTIFF", "image/tiff"),
    FileType("NETCDF", "NetCDF", "application/netcdf", ("nc",)),
    FileType("PARQUET", "Parquet", "application/vnd.apache.parquet", ("parquet",)),
    FileType("API", "API", "application/json"),
]
FILE_TYPES = {file_type.code: file_type for file_type in _FILE_TYPES}
# CKAN portals write formats freely ("csv", "GeoJSON", "Excel"); these map them onto the table.
FORMAT_ALIASES = {
    "EXCEL": "XLSX",
    "XLSX": "XLSX",
    "TEXT": "TXT",
    "JPG": "JPEG",
    "WMS": "WMS_SRVC",
    "WFS": "WFS_SRVC",
    "TURTLE": "RDF_TURTLE",
    "TTL": "RDF_TURTLE",
    "RDF": "RDF_XML",
    "JSONLD": "JSON_LD",
    "JSON-LD": "JSON_LD",
    "SHAPE": "SHP",
    "SHAPEFILE": "SHP",
}


def file_type_for(value: str | None) -> FileType | None:
    """The EU file type named by a code, URI, alias or extension; None when unknown."""
    if not value:
        return None
    text = value.strip()
    if text.startswith(FILE_TYPE_BASE):
        text = text[len(FILE_TYPE_BASE) :]
    key = text.upper().lstrip(".")
    key = FORMAT_ALIASES.get(key, key)
    if key in FILE_TYPES:
        return FILE_TYPES[key]
    for file_type in _FILE_TYPES:
        if key.lower() in file_type.extensions or file_type.media_type == text.lower():
            return file_type
    return None


def licence_for(value: str | None) -> Licence | None:
    if not value:
        return None
    text = value.strip()
    if text.startswith(LICENCE_BASE):
        text = text[len(LICENCE_BASE) :]
    return LICENCES.get(text)


THEMES = {
    "AGRI": "Landwirtschaft, Fischerei, Forstwirtschaft und Nahrungsmittel",
    "ECON": "Wirtschaft und Finanzen",
    "EDUC": "Bildung, Kultur und Sport",
    "ENER": "Energie",
    "ENVI": "Umwelt",
    "GOVE": "Regierung und öffentlicher Sektor",
    "HEAL": "Gesundheit",
    "INTR": "Internationale Themen",
    "JUST": "Justiz, Rechtssystem und öffentliche Sicherheit",
    "REGI": "Regionen und Städte",
    "SOCI": "Bevölkerung und Gesellschaft",
    "TECH": "Wissenschaft und Technologie",
    "TRAN": "Verkehr",
}

FREQUENCIES = {
    "CONT": "kontinuierlich",
    "HOURLY": "stündlich",
    "DAILY": "täglich",
    "WEEKLY": "wöchentlich",
    "MONTHLY": "monatlich",
    "QUARTERLY": "vierteljährlich",
    "BIANNUAL": "halbjährlich",
    "ANNUAL": "jährlich",
    "BIENNIAL": "alle zwei Jahre",
    "IRREG": "unregelmäßig",
    "NEVER": "nie",
    "UNKNOWN": "unbekannt",
}

LANGUAGES = {"DEU": "Deutsch", "ENG": "Englisch", "TUR": "Türkisch", "POL": "Polnisch"}

GEOCODING_LEVELS = {
    "municipality": "Gemeinde",
    "administrativeDistrict": "Kreis",
    "state": "Land",
    "federal": "Bund",
    "european": "Europa",
    "international": "International",
}

DISTRIBUTION_STATUSES = {
    "COMPLETED": "vollständig",
    "DEVELOP": "in Entwicklung",
    "DEPRECATED": "veraltet",
    "WITHDRAWN": "zurückgezogen",
}


def choices(mapping: dict) -> list[tuple[str, str]]:
    return [(key, f"{value}") for key, value in mapping.items()]


def licence_choices() -> list[tuple[str, str]]:
    return [(licence.id, licence.title) for licence in _LICENCES]


def file_type_choices() -> list[tuple[str, str]]:
    return [(file_type.code, file_type.label) for file_type in _FILE_TYPES]
