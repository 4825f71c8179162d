"""Rows → the field sets GeoReport v2 describes. No personal data ever leaves here.

Reports are read as plain rows (``values()``) with the columns below, never as model
objects: a page of 1000 requests is one query and a loop over tuples. Only these columns
are read, so the reporter's contact data cannot leak into an answer by accident.
"""

from django.core.files.storage import default_storage
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.defects.models import OPEN_STATUSES, Category, Photo, Status
from smartcity.defects.open311 import sqlcache

# Every column a GET answer may show (and nothing else).
REQUEST_COLUMNS = (
    "id",
    "status",
    "status_notes",
    "description",
    "created_at",
    "updated_at",
    "expected_at",
    "address",
    "address_id",
    "zipcode",
    "latitude",
    "longitude",
    "supporter_count",
    "duplicate_of_id",
    "category__code",
    "category__name",
    "category__group",
    "department__name",
    "district__slug",
)
OPEN = frozenset(OPEN_STATUSES)
_PK_MARK = 987654321


def iso(value, zone=None) -> str | None:
    if not value:
        return None
    return value.astimezone(zone or timezone.get_current_timezone()).isoformat(timespec="seconds")


def service(row: dict) -> dict:
    """``row``: a category with ``has_metadata`` (see ``services.service_rows``)."""
    return {
        "service_code": row["code"],
        "service_name": row["name"],
        "description": row["description"],
        "metadata": bool(row["has_metadata"]),
        "type": "realtime",
        "keywords": row["keywords"],
        "group": row["group"],
    }


def service_definition(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": attribute.variable,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": attribute.datatype_description,
                "order": attribute.order,
                "description": attribute.description,
                "values": [
                    {"key": str(value.get("key", "")), "name": str(value.get("name", ""))}
                    for value in attribute.values
                ],
            }
            for attribute in category.attributes.all()
        ],
    }


def _first_reviewed_photo():
    return Subquery(
        Photo.objects.filter(report=OuterRef("pk"), review=Photo.Review.APPROVED)
        .order_by("id")
        .values("image")[:1]
    )


def rejected_note(notes: str) -> str:
    """A rejected report is closed without having been worked off: say so in status_notes."""
    if notes:
        return _("Abgelehnt: %(note)s") % {"note": notes}
    return _("Abgelehnt: Die Meldung wurde nicht bearbeitet.")


class RequestWriter:
    """Turns a queryset of reports into GeoReport v2 ``service_request`` dicts.

    Two queries at most, whatever the page size: the rows (with the first reviewed photo
    as a subquery) and, with ``extensions``, all reviewed photos of the page.
    """

    def __init__(self, city, absolute, extensions: bool = False):
        self.extensions = extensions
        self.origin = absolute("/").rstrip("/")
        self.zone = timezone.get_current_timezone()
        if extensions:  # only the extended attributes need labels and page links
            self.labels = {value: str(label) for value, label in Status.choices}
            self.report_url = reverse("defects:detail", kwargs={"city": city.slug, "pk": _PK_MARK})

    def _url(self, path: str) -> str:
        return self.origin + path if path.startswith("/") else path

    def _media(self, name: str) -> str:
        return self._url(default_storage.url(name)) if name else ""

    @staticmethod
    def select(queryset):
        """The public columns and the first reviewed photo (a subquery)."""
        with_photo = queryset.annotate(first_photo=_first_reviewed_photo())
        return with_photo.values(*REQUEST_COLUMNS, "first_photo")

    def rows(self, queryset) -> list[dict]:
        return list(self.select(queryset))

    def write_page(self, plan, offset: int, limit: int) -> list[dict]:
        """A page of a ``GET requests`` plan: through its compiled statement when the plan's
        shape allows (``sqlcache``), else through the ORM; the same answer either way."""

        def build(values):
            return self.select(plan.queryset(values))[offset : offset + limit]

        rows = sqlcache.fetch(plan, (offset, limit), build)
        if rows is None:
            rows = list(build(None))
        return self.write_rows(rows)

    def photos(self, ids) -> dict[int, list[dict]]:
        found: dict[int, list[dict]] = {}
        if not ids:
            return found
        reviewed = (
            Photo.objects.filter(report_id__in=ids, review=Photo.Review.APPROVED)
            .order_by("id")
            .values_list("report_id", "image", "thumbnail")
        )
        for report_id, image, thumbnail in reviewed:
            found.setdefault(report_id, []).append(
                {"url": self._media(image), "thumbnail": self._media(thumbnail)}
            )
        return found

    def write(self, queryset) -> list[dict]:
        return self.write_rows(self.rows(queryset))

    def write_rows(self, rows: list[dict]) -> list[dict]:
        photos = self.photos([row["id"] for row in rows]) if self.extensions else {}
        return [self.one(row, photos.get(row["id"], [])) for row in rows]

    def one(self, row: dict, photos: list[dict]) -> dict:
        zone, status = self.zone, row["status"]
        rejected = status == Status.REJECTED
        data = {
            "service_request_id": row["id"],
            "status": "open" if status in OPEN else "closed",
            "status_notes": rejected_note(row["status_notes"]) if rejected else row["status_notes"],
            "service_name": row["category__name"],
            "service_code": row["category__code"],
            # A rejected report's text and photos are not published again.
            "description": "" if rejected else row["description"],
            "agency_responsible": row["department__name"],
            "service_notice": "",
            "requested_datetime": iso(row["created_at"], zone),
            "updated_datetime": iso(row["updated_at"], zone),
            "expected_datetime": iso(row["expected_at"], zone),
            "address": row["address"],
            "address_id": row["address_id"],
            "zipcode": row["zipcode"],
            "lat": row["latitude"],
            "long": row["longitude"],
            "media_url": "" if rejected else self._media(row["first_photo"]),
        }
        if self.extensions:
            data["extended_attributes"] = {
                "status_detail": status,
                "status_label": self.labels[status],
                "group": row["category__group"],
                "district": row["district__slug"],
                "supporters": row["supporter_count"],
                "duplicate_of": row["duplicate_of_id"],
                "photos": [] if rejected else photos,
                "url": self._url(self.report_url.replace(str(_PK_MARK), str(row["id"]))),
            }
        return data
