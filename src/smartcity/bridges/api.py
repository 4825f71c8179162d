"""JSON endpoints of the bridges capability under /api/v1/.

``GET /bridges``: public bridges with their condition light; ``GET /bridges/{city}/{slug}``:
one bridge with its inspection schedule and channels (their SensorThings Datastreams);
``POST /bridges/{city}/{slug}/channels/{code}/analysis``: an on-demand analysis with trial
settings for department staff (session or token), impossible settings answered with 422 and
the fields named.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import django_auth

from smartcity.bridges.analysis.config import ConfigError
from smartcity.bridges.models import Bridge
from smartcity.bridges.services import condition, ondemand
from smartcity.core.api_auth import TokenAuth
from smartcity.core.api_errors import error_response

router = Router(tags=["bridges"])


def _summary(bridge: Bridge) -> dict:
    state = condition.condition(bridge)
    schedule = bridge.inspection_schedule()
    return {
        "city": bridge.city.slug,
        "slug": bridge.slug,
        "name": bridge.name,
        "structureNumber": bridge.structure_number,
        "road": bridge.road,
        "thingId": bridge.thing_id,
        "url": bridge.get_absolute_url(),
        "light": state["light"],
        "headline": state["headline"],
        "findings": state["findings"],
        "lastUpdate": state["last_update"].isoformat() if state["last_update"] else None,
        "conditionGrade": float(bridge.condition_grade) if bridge.condition_grade else None,
        "gradeBand": bridge.grade_band[0] if bridge.grade_band else None,
        "inspections": {k: v.isoformat() if v else None for k, v in schedule.items()},
        "overdue": [label for label, _due in bridge.overdue()],
    }


@router.get("/bridges", summary="Brücken mit Sensoren und ihrem Zustand", auth=None)
def bridge_list(request, city: str | None = None):
    bridges = Bridge.objects.filter(is_public=True).select_related("city")
    if city:
        bridges = bridges.filter(city__slug=city)
    return [_summary(bridge) for bridge in bridges.prefetch_related("channels", "inspections")]


@router.get("/bridges/{city}/{slug}", summary="Eine Brücke", auth=None)
def bridge_detail(request, city: str, slug: str):
    bridge = get_object_or_404(Bridge, city__slug=city, slug=slug, is_public=True)
    body = _summary(bridge)
    body["channels"] = [
        {
            "code": channel.code,
            "kind": channel.kind,
            "unit": channel.unit,
            "position": channel.position,
            "datastreamId": channel.datastream_id,
            "lastSeen": channel.last_seen.isoformat() if channel.last_seen else None,
            "derived": [
                {"kind": item.kind, "mode": item.mode, "datastreamId": item.datastream_id}
                for item in channel.derived.all()
            ],
        }
        for channel in bridge.channels.prefetch_related("derived").order_by("kind", "code")
    ]
    return body


class AnalysisSettings(Schema):
    sampling_rate_hz: float | None = None
    window_s: float | None = None
    detail_category: int | None = None
    gamma_mf: float | None = None
    modulus_gpa: float | None = None


@router.post(
    "/bridges/{city}/{slug}/channels/{code}/analysis",
    summary="Auswertung mit Probe-Einstellungen (Fachbereich)",
    auth=[TokenAuth(), django_auth],
)
def channel_analysis(request, city: str, slug: str, code: str, payload: AnalysisSettings):
    bridge = get_object_or_404(Bridge, city__slug=city, slug=slug)
    if not request.user.has_perm("bridges.engineer", bridge):
        return error_response(403, "permission_denied", _("Keine Berechtigung."))
    channel = get_object_or_404(bridge.channels.select_related("bridge"), code=code)
    settings = {key: value for key, value in payload.dict().items() if value is not None}
    try:
        return ondemand.analyse_latest(channel, settings)
    except ConfigError as error:
        return error_response(
            422,
            "invalid_configuration",
            _("Die Analyse-Einstellungen sind nicht möglich."),
            {field: [message] for field, message in error.errors.items()},
        )
