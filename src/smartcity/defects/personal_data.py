"""What the defect reporter keeps about a person: their reports' contact data and supports."""

from django.db.models import Q

from smartcity.core.registries import PersonalData, personal_data
from smartcity.defects.models import Event, Report, Support


def _own_reports(user):
    # Reports sent while logged in, and anonymous ones left with the account's address.
    return Report.objects.filter(Q(reporter=user) | Q(reporter_email__iexact=user.email))


def export(user) -> dict:
    return {
        "reports": [
            {
                "id": report.pk,
                "city": report.city.slug,
                "category": report.category.name,
                "created_at": report.created_at.isoformat(),
                "status": report.status,
                "description": report.description,
                "latitude": report.latitude,
                "longitude": report.longitude,
                "email": report.reporter_email,
                "name": report.reporter_name,
                "phone": report.reporter_phone,
            }
            for report in _own_reports(user).select_related("city", "category")
        ],
        "supported_reports": list(
            Support.objects.filter(user=user).values_list("report_id", flat=True)
        ),
        "history_entries_as_staff": Event.objects.filter(actor=user).count(),
        "departments_as_staff": [
            f"{city}: {name}"
            for city, name in user.defect_departments.values_list("city__slug", "name")
        ],
    }


def erase(user) -> None:
    """Reports stay (the defect is real) but lose every link to the person."""
    _own_reports(user).update(reporter=None, reporter_email="", reporter_name="", reporter_phone="")
    Support.objects.filter(user=user).update(user=None)
    user.defect_departments.clear()


personal_data.register("defects", PersonalData("defects", export, erase))
