"""The defect reporter's logic, used alike by the web form, Open311, the back office and admin.

Every change goes through here, so a report arriving through Open311 takes the same path
(validation, routing, photo cleaning, history, e-mails) as one from the web form.
"""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.core.models import City
from smartcity.core.services import district_for_point
from smartcity.core.tasks import send_email_later
from smartcity.defects import photos as photo_intake
from smartcity.defects.errors import ReportInvalid
from smartcity.defects.models import (
    CLOSED_STATUSES,
    MAX_DESCRIPTION,
    OPEN_STATUSES,
    Category,
    Event,
    Photo,
    Report,
    Status,
    Support,
)
from smartcity.defects.nearby import duplicate_candidates, within_radius  # noqa: F401 - API
from smartcity.defects.review import review_photo  # noqa: F401 - part of the services

# C0 control characters other than tab and line breaks: PostgreSQL refuses NUL in text and
# XML 1.0 cannot carry any of them, so they never enter a report.
CONTROL_CHARACTERS = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def clean_text(value) -> str:
    return str(value or "").translate(CONTROL_CHARACTERS)


def _error(field: str, message: str) -> ReportInvalid:
    return ReportInvalid({field: [message]})


def active_categories(city: City):
    return (
        Category.objects.filter(city=city, active=True)
        .select_related("department")
        .prefetch_related("attributes")
    )


def find_category(city: City, code: str) -> Category | None:
    return active_categories(city).filter(code=code).first()


def check_location(city: City, latitude, longitude) -> list[str]:
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return [_("Bitte geben Sie einen Ort an (Breiten- und Längengrad).")]
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or math.isnan(latitude + longitude):
        return [_("Die Koordinaten sind ungültig.")]
    if not city.contains(longitude, latitude):
        return [
            _(
                "Der Ort liegt außerhalb von %(city)s. "
                "Wir können nur Mängel im Stadtgebiet bearbeiten."
            )
            % {"city": city.name}
        ]
    return []


def clean_attributes(category: Category, given: dict) -> tuple[dict, dict[str, list[str]]]:
    """Check answers to a category's extra questions (Open311 ``attribute[code]``)."""
    cleaned, errors = {}, {}
    for attribute in category.attributes.all():
        if not attribute.variable:
            continue
        value = given.get(attribute.code)
        values = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        values = [clean_text(item).strip() for item in values if clean_text(item).strip()]
        field = f"attribute[{attribute.code}]"
        if not values:
            if attribute.required:
                errors[field] = [_("Diese Angabe ist erforderlich: %s") % attribute.description]
            continue
        keys = {str(option.get("key")) for option in attribute.values}
        if attribute.datatype in ("singlevaluelist", "multivaluelist"):
            unknown = [item for item in values if item not in keys]
            if unknown or (attribute.datatype == "singlevaluelist" and len(values) > 1):
                errors[field] = [_("Bitte wählen Sie einen der angebotenen Werte.")]
                continue
            cleaned[attribute.code] = (
                values if attribute.datatype == "multivaluelist" else values[0]
            )
        elif attribute.datatype == "number":
            try:
                cleaned[attribute.code] = float(values[0])
            except ValueError:
                errors[field] = [_("Bitte geben Sie eine Zahl an.")]
        else:
            cleaned[attribute.code] = values[0][:1000]
    return cleaned, errors


@dataclass
class PhotoUpload:
    """Cleaned photo bytes, ready to store."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int


def clean_uploads(files) -> list[PhotoUpload]:
    files = [item for item in files or [] if item]
    if len(files) > photo_intake.MAX_PHOTOS:
        raise _error("photos", _("Höchstens %d Fotos.") % photo_intake.MAX_PHOTOS)
    cleaned = []
    for upload in files:
        try:
            data = upload if isinstance(upload, bytes) else photo_intake.read_limited(upload)
            if len(data) > photo_intake.MAX_BYTES:
                raise photo_intake.PhotoError(
                    photo_intake.too_large_message(photo_intake.MAX_BYTES)
                )
            cleaned.append(PhotoUpload(*photo_intake.clean_photo(data)))
        except photo_intake.PhotoError as error:
            raise _error("photos", str(error)) from error
    return cleaned


def validate_report(
    city: City, *, category, latitude, longitude, description, email="", attributes=None
) -> tuple[Category, float, float, str, dict]:
    errors: dict[str, list[str]] = {}
    if not isinstance(category, Category):
        category = find_category(city, str(category or ""))
    if category is None or category.city_id != city.pk or not category.active:
        errors["service_code"] = [_("Diese Kategorie gibt es hier nicht.")]
    location_errors = check_location(city, latitude, longitude)
    if location_errors:
        errors["location"] = location_errors
    description = clean_text(description).strip()
    if not description:
        errors["description"] = [_("Bitte beschreiben Sie den Mangel.")]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [
            _("Die Beschreibung ist zu lang (höchstens %(max)d Zeichen, jetzt %(now)d).")
            % {"max": MAX_DESCRIPTION, "now": len(description)}
        ]
    if email:
        try:
            validate_email(clean_text(email))
        except ValidationError:
            errors["email"] = [_("Bitte geben Sie eine gültige E-Mail-Adresse an.")]
    if category is not None and "service_code" not in errors:
        department = category.responsible_department()
        if department is None:
            errors["service_code"] = [
                _(
                    "Für diese Kategorie ist noch keine Stelle zuständig. "
                    "Bitte wählen Sie eine andere Kategorie."
                )
            ]
    cleaned_attributes = {}
    if category is not None and "service_code" not in errors:
        cleaned_attributes, attribute_errors = clean_attributes(category, attributes or {})
        errors.update(attribute_errors)
    if errors:
        raise ReportInvalid(errors)
    return category, float(latitude), float(longitude), description, cleaned_attributes


def create_report(
    city: City,
    *,
    category,
    latitude,
    longitude,
    description,
    source: str,
    photos=(),
    email: str = "",
    name: str = "",
    phone: str = "",
    user=None,
    attributes=None,
    address: str = "",
    address_id: str = "",
    zipcode: str = "",
    base_url: str = "",
) -> Report:
    """Validate everything first, then store report, photos and history in one transaction."""
    category, latitude, longitude, description, cleaned_attributes = validate_report(
        city,
        category=category,
        latitude=latitude,
        longitude=longitude,
        description=description,
        email=email,
        attributes=attributes,
    )
    uploads = clean_uploads(photos)  # CPU work outside the transaction
    stored_files = []
    try:
        with transaction.atomic():
            report = Report.objects.create(
                city=city,
                category=category,
                department=category.responsible_department(),
                district=district_for_point(city, longitude, latitude),
                latitude=latitude,
                longitude=longitude,
                description=description,
                attributes=cleaned_attributes,
                address=clean_text(address)[:300],
                address_id=clean_text(address_id)[:60],
                zipcode=clean_text(zipcode)[:10],
                reporter=user if user is not None and user.is_authenticated else None,
                reporter_email=email or "",
                reporter_name=clean_text(name)[:200],
                reporter_phone=clean_text(phone)[:40],
                source=source,
            )
            for upload in uploads:
                image, thumb = photo_intake.content_files(upload.image, upload.thumbnail)
                photo = Photo(report=report, width=upload.width, height=upload.height)
                photo.image.save(image.name, image, save=False)
                stored_files.append(photo.image)
                photo.thumbnail.save(thumb.name, thumb, save=False)
                stored_files.append(photo.thumbnail)
                photo.save()
            Event.objects.create(report=report, kind=Event.Kind.CREATED, new_status=report.status)
            if report.reporter_email:
                _mail_reporter(
                    report,
                    _("Ihre Meldung #%(id)s ist eingegangen") % {"id": report.pk},
                    _("vielen Dank! Wir haben Ihre Meldung erhalten und leiten sie weiter."),
                    base_url,
                )
    except Exception:
        for stored in stored_files:  # nothing half-stored: files of a rolled-back report go too
            stored.storage.delete(stored.name)
        raise
    return report


def _mail_reporter(report: Report, subject: str, text: str, base_url: str = "") -> None:
    link = f"{base_url}{report.get_absolute_url()}"
    body = "\n\n".join(
        [
            _("Guten Tag,"),
            text,
            _("Kategorie: %s") % report.category.name,
            _("Status: %s") % report.get_status_display(),
            _("Den Verlauf finden Sie hier: %s") % link,
            _(
                "Sie erhalten diese Nachricht, weil Sie bei der Meldung Ihre E-Mail-Adresse "
                "angegeben haben."
            ),
        ]
    )
    send_email_later(subject, body, [report.reporter_email])


def fingerprint(user=None, session_key: str | None = None) -> str:
    if user is not None and user.is_authenticated:
        basis = f"user:{user.pk}"
    elif session_key:
        basis = f"session:{session_key}"
    else:
        raise ValueError("a supporter needs an account or a session")
    return hashlib.sha256(basis.encode()).hexdigest()


def address_mark(report: Report, address: str | None) -> str:
    """A keyed hash of a supporter's network address for one report (see ``Support``)."""
    if not address:
        return ""
    message = f"defects-support:{report.pk}:{address}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def support_report(
    report: Report, *, user=None, session_key: str | None = None, address: str | None = None
) -> bool:
    """Count one more supporter; False when this person already supports it.

    A person with an account counts once per account. Without an account, once per browser
    session and once per network address (``address``, IPv6 as its /64): a new session from
    an address that supports the report already is not counted again."""
    if not report.is_open:
        raise _error("report", _("Diese Meldung ist bereits abgeschlossen."))
    account = user if user is not None and user.is_authenticated else None
    mark = fingerprint(user, session_key)
    place = address_mark(report, address)
    # One support at a time per report, so two parallel ones from one address cannot both
    # pass the check below (PostgreSQL row lock; SQLite writes one at a time anyway).
    Report.objects.select_for_update().filter(pk=report.pk).values_list("pk").first()
    seen_here = Support.objects.filter(report=report, address_mark=place)
    if account is None and place and seen_here.exists():
        return False
    _support, created = Support.objects.get_or_create(
        report=report, fingerprint=mark, defaults={"user": account, "address_mark": place}
    )
    if created:
        Report.objects.filter(pk=report.pk).update(supporter_count=F("supporter_count") + 1)
        Event.objects.create(report=report, kind=Event.Kind.SUPPORTED)
        report.refresh_from_db(fields=["supporter_count"])
    return created


UNSET = object()


@transaction.atomic
def change_status(
    report: Report,
    actor,
    *,
    status: str | None = None,
    public_note: str = "",
    internal_note: str = "",
    expected_at: datetime | None | object = UNSET,
    assignee=UNSET,
    duplicate_of: Report | None = None,
    department=None,
    base_url: str = "",
) -> Report:
    """A step in the back office: status, notes, expected date, assignee, responsible
    department; with history and mail."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    now = timezone.now()
    old_status = report.status
    status = status or old_status
    if status not in Status.values:
        raise _error("status", _("Unbekannter Status."))
    if status == Status.DUPLICATE:
        if duplicate_of is None:
            raise _error("duplicate_of", _("Bitte nennen Sie die Meldung, die bestehen bleibt."))
        if duplicate_of.pk == report.pk or duplicate_of.city_id != report.city_id:
            raise _error("duplicate_of", _("Diese Meldung kann nicht das Original sein."))
        if duplicate_of.status == Status.DUPLICATE:
            raise _error("duplicate_of", _("Das Original ist selbst ein Duplikat."))
    events = []
    if status != old_status:
        report.status = status
        if status in CLOSED_STATUSES and report.closed_at is None:
            report.closed_at = now
        elif status in OPEN_STATUSES:
            report.closed_at = None
        events.append(Event(kind=Event.Kind.STATUS, old_status=old_status, new_status=status))
    if public_note:
        report.status_notes = public_note[:MAX_DESCRIPTION]
    if (public_note or internal_note) and not events:
        events.append(Event(kind=Event.Kind.NOTE))
    for event in events[:1]:
        event.public_note = public_note[:MAX_DESCRIPTION]
        event.internal_note = internal_note[:MAX_DESCRIPTION]
    if expected_at is not UNSET:
        report.expected_at = expected_at
    if assignee is not UNSET and assignee != report.assignee:
        report.assignee = assignee
        events.append(Event(kind=Event.Kind.ASSIGNED))
    if department is not None and department.pk != report.department_id:
        if department.city_id != report.city_id:
            raise _error("department", _("Dieser Fachbereich gehört zu einer anderen Stadt."))
        report.department = department
        events.append(
            Event(
                kind=Event.Kind.ASSIGNED,
                internal_note=_("Zuständig jetzt: %s") % department.name,
            )
        )
    if (status != old_status or public_note) and report.first_response_at is None:
        report.first_response_at = now
    if status == Status.DUPLICATE and old_status != Status.DUPLICATE:
        report.duplicate_of = duplicate_of
        _merge_supporters(report, duplicate_of)
    report.updated_at = now
    report.save()
    for event in events:
        event.report = report
        event.actor = actor if actor is not None and actor.is_authenticated else None
        event.created_at = now
        event.save()
    if report.reporter_email and (status != old_status or public_note):
        text = public_note or _("Der Bearbeitungsstand Ihrer Meldung hat sich geändert.")
        _mail_reporter(
            report,
            _("Ihre Meldung #%(id)s: %(status)s")
            % {"id": report.pk, "status": report.get_status_display()},
            text,
            base_url,
        )
    return report


def _merge_supporters(duplicate: Report, original: Report) -> None:
    """A duplicate's supporters (and its reporter, as one more) now support the original."""
    taken = set(original.supports.values_list("fingerprint", flat=True))
    moved = duplicate.supports.exclude(fingerprint__in=taken)
    moved_count = moved.update(report=original)
    duplicate.supports.all().delete()
    duplicate.supporter_count = 0
    Report.objects.filter(pk=original.pk).update(
        supporter_count=F("supporter_count") + moved_count + 1, updated_at=timezone.now()
    )
    Event.objects.create(
        report=original,
        kind=Event.Kind.MERGED,
        public_note=_("Meldung #%(id)s wurde hiermit zusammengeführt.") % {"id": duplicate.pk},
    )
