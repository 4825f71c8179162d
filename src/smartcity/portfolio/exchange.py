"""Import and export of projects, partners and places as CSV, XLSX and GeoJSON.

One row (or Feature) per item; lists are comma-separated slugs, project partners
``slug:role``. Imports are all or nothing: the first bad row stops everything and every
problem is reported as "Zeile N, Feld: Problem". Rows are matched by ``code`` (projects,
falling back to ``slug``) or ``slug`` (partners, places) and updated; others are created.
"""

import csv
import datetime
import io

import orjson
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from smartcity.core.models import City
from smartcity.portfolio import geo
from smartcity.portfolio.models import (
    ActionField,
    Partner,
    PartnerRole,
    Place,
    Project,
    ProjectPartner,
    Tag,
)
from smartcity.portfolio.models.programme import unique_slug
from smartcity.portfolio.services import mapindex
from smartcity.portfolio.services.history import record_change

KINDS = ("projects", "partners", "places")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}
COLUMNS = {
    "projects": [
        "code",
        "slug",
        "title",
        "summary",
        "kind",
        "status",
        "cities",
        "action_fields",
        "start_date",
        "end_date",
        "budget_eur",
        "funding_source",
        "lead_department",
        "contact_name",
        "contact_email",
        "partners",
        "tags",
        "longitude",
        "latitude",
    ],
    "partners": [
        "slug",
        "name",
        "kind",
        "website",
        "description",
        "member_since",
        "founding_member",
    ],
    "places": [
        "slug",
        "name",
        "kind",
        "city",
        "address",
        "opening_hours",
        "contact_email",
        "contact_phone",
        "website",
        "description",
        "longitude",
        "latitude",
    ],
}
MAX_ROWS = 20_000


class ExchangeError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    return str(value)


# Columns of a project row the change history names when an import brings them.
PROJECT_HISTORY_FIELDS = frozenset(COLUMNS["projects"]) - {"longitude", "latitude"} | {"location"}


def _point_columns(location):
    if location and location.get("type") == "Point":
        return location["coordinates"][0], location["coordinates"][1]
    return "", ""


def _project_row(project):
    lon, lat = _point_columns(project.location)
    return {
        **{name: getattr(project, name) for name in COLUMNS["projects"][:6]},
        "cities": ",".join(city.slug for city in project.cities.all()),
        "action_fields": ",".join(field.slug for field in project.action_fields.all()),
        **{name: getattr(project, name) for name in COLUMNS["projects"][8:15]},
        "partners": ",".join(f"{r.partner.slug}:{r.role}" for r in project.partner_roles.all()),
        "tags": ",".join(tag.name for tag in project.tags.all()),
        "longitude": lon,
        "latitude": lat,
    }


def _row(kind, item):
    if kind == "projects":
        return _project_row(item)
    row = {name: getattr(item, name, "") for name in COLUMNS[kind] if hasattr(item, name)}
    if kind == "places":
        row["city"] = item.city.slug
        row["longitude"], row["latitude"] = _point_columns(item.location)
    return row


def default_queryset(kind):
    if kind == "projects":
        return Project.objects.prefetch_related(
            "cities", "action_fields", "tags", "partner_roles__partner"
        )
    if kind == "places":
        return Place.objects.select_related("city")
    return Partner.objects.all()


def export(kind: str, fmt: str, queryset=None) -> bytes:
    items = list(queryset if queryset is not None else default_queryset(kind))
    rows = [{name: _text(value) for name, value in _row(kind, item).items()} for item in items]
    columns = COLUMNS[kind]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = kind
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(name, "") for name in columns])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    if fmt == "geojson":
        features = []
        for item, row in zip(items, rows, strict=True):
            properties = {k: v for k, v in row.items() if k not in ("longitude", "latitude")}
            features.append(
                {
                    "type": "Feature",
                    "geometry": getattr(item, "location", None),
                    "properties": properties,
                }
            )
        return orjson.dumps({"type": "FeatureCollection", "features": features})
    raise ValueError(f"unknown format {fmt!r}")


def download(kind, fmt, queryset=None) -> HttpResponse:
    response = HttpResponse(export(kind, fmt, queryset), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{kind}.{fmt}"'
    return response


def read_rows(fmt: str, data: bytes) -> list[dict]:
    """Rows as dicts of strings (plus ``_geometry`` from GeoJSON Features)."""
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        return [dict(row) for row in csv.DictReader(io.StringIO(text))]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        lines = sheet.iter_rows(values_only=True)
        header = [str(name or "").strip() for name in next(lines, [])]
        return [
            {name: _text(value) for name, value in zip(header, line, strict=False) if name}
            for line in lines
            if any(cell is not None for cell in line)
        ]
    if fmt == "geojson":
        try:
            collection = orjson.loads(data)
        except orjson.JSONDecodeError as error:
            raise ExchangeError([f"GeoJSON: {error}"]) from error
        if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
            raise ExchangeError(["GeoJSON: FeatureCollection erwartet"])
        return [
            {
                **{k: _text(v) for k, v in (f.get("properties") or {}).items()},
                "_geometry": f.get("geometry"),
            }
            for f in collection.get("features", [])
        ]
    raise ExchangeError([f"Unbekanntes Format {fmt!r}"])


def _slugs(model, text, field):
    slugs = [part.strip() for part in (text or "").split(",") if part.strip()]
    found = {item.slug: item for item in model.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise ValidationError({field: f"unbekannt: {', '.join(missing)}"})
    return [found[slug] for slug in slugs]


def _location(row):
    if row.get("_geometry"):
        return row["_geometry"]
    lon, lat = (row.get("longitude") or "").strip(), (row.get("latitude") or "").strip()
    if not lon and not lat:
        return None
    try:
        return geo.point(float(lon.replace(",", ".")), float(lat.replace(",", ".")))
    except ValueError as error:
        raise ValidationError({"longitude": "Zahl erwartet"}) from error


def _none_if_blank(value):
    return value if value not in ("", None) else None


def _import_project(row, user=None):
    key = (row.get("code") or "").strip()
    project = (Project.objects.filter(code=key).first() if key else None) or (
        Project.objects.filter(slug=row.get("slug") or "-").first() or Project()
    )
    created = project.pk is None
    for name in (
        "code",
        "title",
        "summary",
        "funding_source",
        "lead_department",
        "contact_name",
        "contact_email",
    ):
        if name in row:
            setattr(project, name, (row[name] or "").strip())
    for name in ("kind", "status"):
        if row.get(name):
            setattr(project, name, row[name].strip())
    for name in ("start_date", "end_date", "budget_eur"):
        if name in row:
            setattr(project, name, _none_if_blank((row[name] or "").strip()))
    project.location = _location(row)
    project.city_wide = project.location is None
    if not project.slug:
        project.slug = (row.get("slug") or "").strip() or unique_slug(
            Project, project.code or project.title
        )
    cities = _slugs(City, row.get("cities"), "cities")
    if not cities:
        raise ValidationError({"cities": "mindestens eine Stadt"})
    fields = _slugs(ActionField, row.get("action_fields"), "action_fields")
    roles = []
    for part in filter(None, (p.strip() for p in (row.get("partners") or "").split(","))):
        slug, _sep, role = part.partition(":")
        partner = Partner.objects.filter(slug=slug).first()
        if partner is None or (role and role not in PartnerRole.values):
            raise ValidationError({"partners": f"unbekannt: {part}"})
        roles.append((partner, role or PartnerRole.PARTNER))
    project.full_clean(exclude=["cities", "action_fields", "tags"])
    project.save()
    project.cities.set(cities)
    project.action_fields.set(fields)
    project.partner_roles.exclude(partner__in=[p for p, _r in roles]).delete()
    for partner, role in roles:
        ProjectPartner.objects.update_or_create(
            project=project, partner=partner, defaults={"role": role}
        )
    tags = []
    for name in filter(None, (t.strip() for t in (row.get("tags") or "").split(","))):
        tag = Tag.objects.filter(name=name).first() or Tag.objects.create(
            name=name[:60], slug=unique_slug(Tag, name, 50)
        )
        tags.append(tag)
    project.tags.set(tags)
    # The change history names the import and the columns the file brought.
    record_change(
        project,
        user,
        _("Aus einer Datei importiert (neu)") if created else _("Aus einer Datei importiert"),
        {("location" if name in ("longitude", "latitude") else name) for name in row}
        & PROJECT_HISTORY_FIELDS,
    )


def _import_partner(row, user=None):
    slug = (row.get("slug") or "").strip()
    partner = Partner.objects.filter(slug=slug).first() if slug else None
    partner = partner or Partner(slug=slug)
    for name in ("name", "kind", "website", "description"):
        if name in row:
            setattr(partner, name, (row[name] or "").strip())
    if "member_since" in row:
        partner.member_since = _none_if_blank(row["member_since"].strip())
    if "founding_member" in row:
        partner.founding_member = row["founding_member"].strip().lower() in (
            "1",
            "true",
            "ja",
            "yes",
            "x",
        )
    if not partner.slug:
        partner.slug = unique_slug(Partner, partner.name)
    partner.full_clean()
    partner.save()


def _import_place(row, user=None):
    slug = (row.get("slug") or "").strip()
    place = (Place.objects.filter(slug=slug).first() if slug else None) or Place(slug=slug)
    for name in (
        "name",
        "kind",
        "address",
        "opening_hours",
        "contact_email",
        "contact_phone",
        "website",
        "description",
    ):
        if name in row:
            setattr(place, name, (row[name] or "").strip())
    city = City.objects.filter(slug=(row.get("city") or "").strip()).first()
    if city is None:
        raise ValidationError({"city": "unbekannte Stadt"})
    place.city = city
    place.location = _location(row)
    if not place.slug:
        place.slug = unique_slug(Place, place.name)
    place.full_clean()
    place.save()


IMPORTERS = {"projects": _import_project, "partners": _import_partner, "places": _import_place}


def import_rows(kind: str, fmt: str, data: bytes, user=None) -> int:
    """Import all rows or none; returns the number of rows imported. Imported projects get
    an entry in their change history (by ``user``, if given)."""
    if kind not in IMPORTERS:
        raise ExchangeError([f"Unbekannte Art {kind!r}"])
    rows = read_rows(fmt, data)
    if len(rows) > MAX_ROWS:
        raise ExchangeError([f"Höchstens {MAX_ROWS} Zeilen je Import."])
    problems = []
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            try:
                with transaction.atomic():
                    IMPORTERS[kind](row, user)
            except ValidationError as error:
                details = getattr(error, "message_dict", {"__all__": error.messages})
                problems.extend(
                    f"Zeile {number}, {field}: {' '.join(map(str, messages))}"
                    for field, messages in details.items()
                )
        if problems:
            transaction.set_rollback(True)
            raise ExchangeError(problems)
        mapindex.rebuild_all()
    return len(rows)
