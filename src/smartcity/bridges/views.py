"""Bridge pages: the list, a public page per bridge, the engineers' view."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcity.bridges.forms import LimitForm
from smartcity.bridges.models import (
    Alert,
    AlertLog,
    Bridge,
    ChannelKind,
    DerivedKind,
    Level,
)
from smartcity.bridges.services import alerts, analysis, charts, condition
from smartcity.core.models import City

PUBLIC_KINDS = [
    ChannelKind.TEMPERATURE,
    ChannelKind.CRACK,
    ChannelKind.TILT,
    ChannelKind.DISPLACEMENT,
]
COLOURS = ["#00568f", "#a35200", "#2e6b30", "#6a1b9a", "#8a0000", "#4a4a4a"]
ENGINEER_DAYS = "woche"


def _city(slug):
    return get_object_or_404(City, slug=slug)


def _bridge(city, slug, request=None):
    bridge = get_object_or_404(
        Bridge.objects.select_related("city", "thing"), city__slug=city, slug=slug
    )
    if not bridge.is_public and not (request and request.user.has_perm("bridges.engineer", bridge)):
        from django.http import Http404

        raise Http404
    return bridge


def bridge_list(request, city):
    city_obj = _city(city)
    bridges = list(
        Bridge.objects.filter(city=city_obj, is_public=True).prefetch_related("channels")
    )
    rows = [{"bridge": bridge, "condition": condition.condition(bridge)} for bridge in bridges]
    return render(
        request,
        "bridges/list.html",
        {"city": city_obj, "current_city": city_obj, "rows": rows},
    )


def _public_chart(bridge, period):
    channels = [c for c in bridge.channels.all() if c.kind in PUBLIC_KINDS]
    groups = []
    for kind in PUBLIC_KINDS:
        members = [c for c in channels if c.kind == kind]
        if not members:
            continue
        columns = [
            (
                f"{c.get_kind_display()} {c.code} – {c.position} ({c.unit})",
                charts.points(c.datastream_id, period),
            )
            for c in members
        ]
        groups.append(
            {
                "id": f"chart-{kind}",
                "title": members[0].get_kind_display(),
                "unit": members[0].unit,
                "chart": {
                    "type": "line",
                    "x": "time",
                    "yLabel": members[0].unit,
                    "datasets": [
                        {"label": label, "points": values, "colour": COLOURS[i % len(COLOURS)]}
                        for i, (label, values) in enumerate(columns)
                    ],
                },
                "table": charts.table(columns),
            }
        )
    return groups


def bridge_detail(request, city, slug):
    bridge = _bridge(city, slug, request)
    period = request.GET.get("zeitraum", "tag")
    if period not in charts.PERIODS:
        period = "tag"
    state = condition.condition(bridge)
    schedule = bridge.inspection_schedule()
    return render(
        request,
        "bridges/detail.html",
        {
            "city": bridge.city,
            "current_city": bridge.city,
            "bridge": bridge,
            "condition": state,
            "schedule": schedule,
            "overdue": bridge.overdue(),
            "period": period,
            "periods": [("tag", _("Tag")), ("woche", _("Woche")), ("jahr", _("Jahr"))],
            "groups": _public_chart(bridge, period),
            "can_engineer": request.user.has_perm("bridges.engineer", bridge),
            "sta_url": f"/sta/v1.1/Things({bridge.thing_id})/Datastreams",
        },
    )


def _engineer(request, city, slug):
    bridge = _bridge(city, slug, request)
    if not request.user.has_perm("bridges.engineer", bridge):
        raise PermissionDenied
    return bridge


def _channel_charts(channel):
    """Raw and compensated values (slow channels) or the frequency trend (acceleration)."""
    derived = {(d.kind, d.mode): d.datastream_id for d in channel.derived.all()}
    if channel.is_slow:
        columns = [(_("gemessen"), charts.points(channel.datastream_id, ENGINEER_DAYS))]
        if (DerivedKind.COMPENSATED, 0) in derived:
            columns.append(
                (
                    _("temperaturkompensiert"),
                    charts.points(derived[(DerivedKind.COMPENSATED, 0)], ENGINEER_DAYS),
                )
            )
        y_label = channel.unit
    elif channel.kind == ChannelKind.ACCELERATION:
        columns = [
            (
                _("Eigenform %(number)s (Hz)") % {"number": mode},
                charts.points(stream, ENGINEER_DAYS),
            )
            for (kind, mode), stream in sorted(derived.items())
            if kind == DerivedKind.FREQUENCY
        ]
        y_label = "Hz"
    else:
        return None
    if not columns:
        return None
    return {
        "id": f"channel-{channel.pk}",
        "chart": {
            "type": "line",
            "x": "time",
            "yLabel": y_label,
            "datasets": [
                {"label": label, "points": values, "colour": COLOURS[i % len(COLOURS)]}
                for i, (label, values) in enumerate(columns)
            ],
        },
        "table": charts.table(columns),
    }


def engineer(request, city, slug):
    bridge = _engineer(request, city, slug)
    channels = list(
        bridge.channels.select_related("datastream")
        .prefetch_related("derived")
        .order_by("kind", "code")
    )
    forms = {}
    if request.method == "POST":
        channel = next((c for c in channels if str(c.pk) == request.POST.get("channel")), None)
        if channel is None:
            raise PermissionDenied
        form = LimitForm(request.POST, instance=channel, prefix=f"c{channel.pk}")
        if form.is_valid():
            with transaction.atomic():
                form.save()
                AlertLog.objects.create(
                    channel=channel,
                    action=AlertLog.Action.LIMITS,
                    user=request.user,
                    detail=", ".join(f"{key}={value}" for key, value in form.cleaned_data.items()),
                )
            messages.success(
                request, _("Die Grenzen von %(code)s sind gespeichert.") % {"code": channel.code}
            )
            return redirect("bridges:engineer", city=city, slug=slug)
        forms[channel.pk] = form
    rows = []
    for channel in channels:
        limits = channel.limits() if channel.is_slow else None
        row = {
            "channel": channel,
            "limits": limits,
            # one value for the sentence "… (von Hand gesetzt)": notice / warning / alarm
            "limits_text": " / ".join(floatformat(value, 4) for value in limits.values())
            if limits
            else "",
            # notice / warning / alarm drop in %, as in "… % Frequenzabfall"
            "frequency_limits_text": " / ".join(
                floatformat(value, 1) for value in analysis.frequency_limits(channel).values()
            )
            if channel.kind == ChannelKind.ACCELERATION
            else "",
            "form": forms.get(channel.pk)
            or (
                LimitForm(instance=channel, prefix=f"c{channel.pk}")
                if channel.is_slow or channel.kind == ChannelKind.ACCELERATION
                else None
            ),
            "chart": _channel_charts(channel),
        }
        if channel.kind == ChannelKind.ACCELERATION:
            spectrum = charts.latest_spectrum(channel)
            if spectrum:
                spectrum["data_id"] = f"spectrum-{channel.pk}-data"
                spectrum["chart"] = {
                    "type": "line",
                    "x": "linear",
                    "xLabel": "Hz",
                    "yLabel": "(m/s²)²/Hz",
                    "logY": True,
                    "datasets": [
                        {
                            "label": _("Leistungsdichte"),
                            "points": spectrum["points"],
                            "colour": COLOURS[0],
                        }
                    ],
                }
            row["spectrum"] = spectrum
        if channel.kind == ChannelKind.STRAIN:
            histogram = channel.rainflow_histogram or {"width": 5, "counts": []}
            width = histogram["width"]
            bars = [
                [f"{i * width:g}–{(i + 1) * width:g}", count]
                for i, count in enumerate(histogram["counts"])
            ]
            row["rainflow"] = {
                "bars": bars,
                "data_id": f"rainflow-{channel.pk}-data",
                "chart": {
                    "type": "bar",
                    "x": "category",
                    "yLabel": _("Schwingspiele"),
                    "logY": True,
                    "datasets": [
                        {
                            "label": _("Schwingspiele je Spannungsschwingbreite (N/mm²)"),
                            "points": bars,
                            "colour": COLOURS[0],
                        }
                    ],
                },
                "damage": bridge.prior_damage + channel.damage,
                "remaining": analysis.remaining_life(channel),
                "hours": channel.damage_seconds / 3600,
            }
        rows.append(row)
    history = (
        Alert.objects.filter(bridge=bridge)
        .select_related("channel", "acknowledged_by")
        .prefetch_related("log")
        .order_by("-observed_at")[:100]
    )
    limit_changes = AlertLog.objects.filter(
        channel__bridge=bridge, action=AlertLog.Action.LIMITS
    ).select_related("channel", "user")[:20]
    return render(
        request,
        "bridges/engineer.html",
        {
            "city": bridge.city,
            "current_city": bridge.city,
            "bridge": bridge,
            "condition": condition.condition(bridge),
            "rows": rows,
            "history": history,
            "limit_changes": limit_changes,
            "levels": Level,
            "alert_recipients": ", ".join(alerts.recipients(bridge)),
        },
    )


@require_POST
def acknowledge(request, city, slug, pk):
    bridge = _engineer(request, city, slug)
    alert = get_object_or_404(Alert, pk=pk, bridge=bridge)
    alerts.acknowledge(alert, request.user)
    messages.success(request, _("Die Meldung ist quittiert."))
    return redirect("bridges:engineer", city=city, slug=slug)


@require_POST
def analyse_now(request, city, slug):
    bridge = _engineer(request, city, slug)
    results = analysis.analyse_bridge(bridge)
    windows = sum(result.windows for result in results)
    messages.success(
        request, _("Auswertung abgeschlossen: %(windows)s Analysefenster.") % {"windows": windows}
    )
    return redirect("bridges:engineer", city=city, slug=slug)
