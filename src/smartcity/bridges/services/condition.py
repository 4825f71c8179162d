"""What a citizen is told: a condition light and plain sentences about the open alerts."""

from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.bridges.models import Alert, AlertKind, Bridge, ChannelKind, Level

LIGHTS = {
    Level.NORMAL: "green",
    Level.NOTICE: "yellow",
    Level.WARNING: "orange",
    Level.ALARM: "red",
}
STALE_AFTER_S = 6 * 3600


def light_label(light: str) -> str:
    return {
        "green": _("grün"),
        "yellow": _("gelb"),
        "orange": _("orange"),
        "red": _("rot"),
        "grey": _("grau"),
    }[light]


def headline(light: str) -> str:
    return {
        "green": _("Die Sensoren melden nichts Auffälliges."),
        "yellow": _(
            "Die Sensoren zeigen eine leichte Auffälligkeit. Die Fachleute der Stadt "
            "beobachten sie; die Brücke kann wie gewohnt genutzt werden."
        ),
        "orange": _(
            "Die Sensoren melden eine deutliche Auffälligkeit. Die Fachleute der Stadt prüfen "
            "die Brücke."
        ),
        "red": _(
            "Die Sensoren melden eine starke Auffälligkeit. Die Fachleute der Stadt sind "
            "informiert und entscheiden über Maßnahmen; bitte beachten Sie Hinweise vor Ort."
        ),
        "grey": _("Von den Sensoren liegen zurzeit keine aktuellen Messwerte vor."),
    }[light]


def plain(alert: Alert) -> str:
    """One sentence a citizen understands (no numbers that need engineering knowledge)."""
    channel = alert.channel
    position = channel.position if channel else ""
    if alert.kind == AlertKind.SILENT:
        return _("Ein Sensor (%(position)s) sendet zurzeit keine Daten.") % {"position": position}
    if alert.kind == AlertKind.FROZEN:
        return _("Ein Sensor (%(position)s) liefert unveränderte Werte und wird überprüft.") % {
            "position": position
        }
    if alert.kind == AlertKind.FREQUENCY:
        return _(
            "Die Brücke schwingt etwas langsamer als gewohnt. Das kann bedeuten, dass sie an "
            "Steifigkeit verloren hat."
        )
    if alert.kind == AlertKind.FATIGUE:
        return _("Der Stahl ist durch den Verkehr stärker beansprucht, als geplant war.")
    sentences = {
        ChannelKind.CRACK: _(
            "Ein Riss (%(position)s) ist breiter, als es bei der herrschenden Temperatur zu "
            "erwarten wäre."
        ),
        ChannelKind.TILT: _(
            "Ein Bauteil (%(position)s) neigt sich mehr, als es die Temperatur erklärt."
        ),
        ChannelKind.DISPLACEMENT: _(
            "Ein Bauteil (%(position)s) hat sich mehr verschoben, als es die Temperatur erklärt."
        ),
    }
    sentence = sentences.get(
        channel.kind if channel else None,
        _("Ein Messwert (%(position)s) weicht vom gewohnten Verlauf ab."),
    )
    return sentence % {"position": position}


def condition(bridge: Bridge, open_alerts=None, now=None) -> dict:
    """Light, headline, the open alerts in plain words and the last update."""
    now = now or timezone.now()
    channels = list(bridge.channels.all())
    if open_alerts is None:
        open_alerts = list(
            bridge.alerts.filter(resolved_at=None).select_related("channel").order_by("-level")
        )
    seen = [channel.last_seen for channel in channels if channel.last_seen]
    last_update = max(seen) if seen else None
    level = max([alert.level for alert in open_alerts], default=Level.NORMAL)
    light = LIGHTS[Level(level)]
    stale = last_update is None or (now - last_update).total_seconds() > STALE_AFTER_S
    if stale and level < Level.WARNING:
        light = "grey"
    return {
        "light": light,
        "light_label": light_label(light),
        "headline": headline(light),
        "findings": [plain(alert) for alert in open_alerts],
        "last_update": last_update,
        "level": level,
    }
