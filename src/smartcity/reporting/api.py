"""``/api/v1/reports/{period}?city=…``: the report's figures as JSON (published reports;
internal ones for the city's editors)."""

from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from smartcity.reporting import services
from smartcity.reporting.models import ReportingPeriod
from smartcity.reporting.permissions import can_view

router = Router(tags=["reporting"])


@router.get("/reports/{period}", summary="Zahlen eines Sachstandsberichts")
def report(request, period: str, city: str, version: int | None = None):
    found = (
        ReportingPeriod.objects.select_related("city").filter(city__slug=city, slug=period).first()
    )
    if found is None or not can_view(request.user, found):
        raise HttpError(404, _("Kein Bericht zu diesem Zeitraum."))
    figures, _version = services.current_figures(found, version)
    if figures is None:
        raise HttpError(404, _("Diese Fassung gibt es nicht."))
    return figures
