"""Model objects → the field sets GeoReport v2 describes. No personal data ever leaves here."""

from django.utils import timezone

from smartcity.defects.models import Category, Photo, Report


def iso(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": any(attribute.variable for attribute in category.attributes.all()),
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
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


def public_photos(report: Report) -> list[Photo]:
    photos = getattr(report, "reviewed_photos", None)
    if photos is None:
        photos = list(report.photos.filter(review=Photo.Review.APPROVED))
    return photos


def service_request(report: Report, absolute, extensions: bool = False) -> dict:
    """``absolute(path)`` makes a full URL; only reviewed photos are shown."""
    photos = public_photos(report)
    data = {
        "service_request_id": report.pk,
        "status": report.open311_status,
        "status_notes": report.status_notes,
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": report.department.name,
        "service_notice": "",
        "requested_datetime": iso(report.created_at),
        "updated_datetime": iso(report.updated_at),
        "expected_datetime": iso(report.expected_at),
        "address": report.address,
        "address_id": report.address_id,
        "zipcode": report.zipcode,
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": absolute(photos[0].image.url) if photos else "",
    }
    if extensions:
        data["extended_attributes"] = {
            "status_detail": report.status,
            "status_label": str(report.get_status_display()),
            "group": report.category.group,
            "district": report.district.slug if report.district_id else None,
            "supporters": report.supporter_count,
            "duplicate_of": report.duplicate_of_id,
            "photos": [
                {"url": absolute(photo.image.url), "thumbnail": absolute(photo.thumbnail.url)}
                for photo in photos
            ],
            "url": absolute(report.get_absolute_url()),
        }
    return data
