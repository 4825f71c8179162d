"""Bridge registry, DIN 1076 inspections, measuring channels, analysis state and alerts.

A bridge is a SensorThings Thing (``thing``) whose ``properties`` mirror the registry fields;
each channel is a Datastream; derived results (compensated values, natural frequencies,
fatigue damage) are Datastreams of their own, written through the sensors services.
"""

import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartcity.core.models import City
from smartcity.sensors.models import Datastream, Thing


class Material(models.TextChoices):
    STEEL = "steel", _("Stahl")
    COMPOSITE = "composite", _("Stahlverbund")
    REINFORCED = "reinforced", _("Stahlbeton")
    PRESTRESSED = "prestressed", _("Spannbeton")
    MASONRY = "masonry", _("Mauerwerk")
    TIMBER = "timber", _("Holz")


class Level(models.IntegerChoices):
    NORMAL = 0, pgettext_lazy("bridge level", "normal")
    NOTICE = 1, pgettext_lazy("bridge level", "Hinweis")
    WARNING = 2, pgettext_lazy("bridge level", "Warnung")
    ALARM = 3, pgettext_lazy("bridge level", "Alarm")


# Zustandsnote bands (RI-EBW-PRÜF): lower bound → label.
GRADE_BANDS = (
    (Decimal("3.5"), "inadequate", _("ungenügender Bauwerkszustand")),
    (Decimal("3.0"), "insufficient", _("nicht ausreichender Bauwerkszustand")),
    (Decimal("2.5"), "sufficient", _("ausreichender Bauwerkszustand")),
    (Decimal("2.0"), "satisfactory", _("befriedigender Bauwerkszustand")),
    (Decimal("1.5"), "good", _("guter Bauwerkszustand")),
    (Decimal("1.0"), "very_good", _("sehr guter Bauwerkszustand")),
)


def grade_band(grade) -> tuple[str, str] | None:
    """(code, label) of the Zustandsnote band, None without a grade."""
    if grade is None:
        return None
    grade = Decimal(str(grade))
    for lower, code, label in GRADE_BANDS:
        if grade >= lower:
            return code, str(label)
    return None


def new_webhook_secret() -> str:
    """A random key for signing webhook calls (256 bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Bridge(models.Model):
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="bridges", verbose_name=_("Stadt")
    )
    thing = models.OneToOneField(
        Thing, on_delete=models.PROTECT, related_name="bridge", verbose_name=_("Thing")
    )
    slug = models.SlugField(_("Kurzname"))
    name = models.CharField(_("Name"), max_length=200)
    structure_number = models.CharField(_("Bauwerksnummer"), max_length=30)
    road = models.CharField(_("Straße"), max_length=200, blank=True)
    year_built = models.PositiveSmallIntegerField(
        _("Baujahr"), null=True, blank=True, validators=[MinValueValidator(1800)]
    )
    material = models.CharField(_("Baustoff"), max_length=20, choices=Material.choices)
    construction_type = models.CharField(_("Bauart"), max_length=100, blank=True)
    spans = models.PositiveSmallIntegerField(
        _("Anzahl der Felder"), default=1, validators=[MinValueValidator(1)]
    )
    length_m = models.FloatField(_("Länge (m)"), validators=[MinValueValidator(0.1)])
    owner_department = models.CharField(_("Zuständiger Fachbereich"), max_length=200)
    alert_email = models.EmailField(_("E-Mail für Meldungen"), blank=True)
    alert_webhook = models.URLField(_("Webhook für Meldungen"), blank=True)
    alert_webhook_secret = models.CharField(
        _("Schlüssel für die Webhook-Signatur"),
        max_length=128,
        blank=True,
        help_text=_(
            "Damit signiert die Plattform jeden Webhook-Aufruf (HMAC-SHA256). Bleibt das Feld "
            "leer, wird beim Speichern ein zufälliger Schlüssel erzeugt."
        ),
    )
    geometry = models.JSONField(_("Lage (GeoJSON-Linie)"))
    condition_grade = models.DecimalField(
        _("Zustandsnote"),
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1.0")), MaxValueValidator(Decimal("4.0"))],
    )
    is_public = models.BooleanField(_("öffentlich"), default=True)
    prior_damage = models.FloatField(
        _("Vorschädigung (Miner-Summe)"),
        default=0.0,
        validators=[MinValueValidator(0.0)],
        help_text=_("Geschätzte Schädigung vor Beginn der Messung."),
    )
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)

    class Meta:
        verbose_name = _("Brücke")
        verbose_name_plural = _("Brücken")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="bridge_slug_per_city"),
            models.UniqueConstraint(
                fields=["city", "structure_number"], name="bridge_number_per_city"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.structure_number})"

    def save(self, *args, **kwargs):
        if self.alert_webhook and not self.alert_webhook_secret:
            self.alert_webhook_secret = new_webhook_secret()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "alert_webhook_secret"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("bridges:detail", kwargs={"city": self.city.slug, "slug": self.slug})

    def clean(self):
        geometry = self.geometry or {}
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (
            not isinstance(geometry, dict)
            or geometry.get("type") != "LineString"
            or not isinstance(coordinates, list)
            or len(coordinates) < 2
        ):
            raise ValidationError(
                {
                    "geometry": _(
                        "Die Lage muss eine GeoJSON-Linie mit mindestens zwei Punkten sein."
                    )
                }
            )

    @property
    def grade_band(self):
        return grade_band(self.condition_grade)

    def midpoint(self) -> tuple[float, float]:
        coordinates = self.geometry["coordinates"]
        lon = sum(point[0] for point in coordinates) / len(coordinates)
        lat = sum(point[1] for point in coordinates) / len(coordinates)
        return lon, lat

    def registry_properties(self) -> dict:
        """What the Thing's ``properties`` carry (SensorThings readers see the registry)."""
        schedule = self.inspection_schedule()
        return {
            "kind": "bridge",
            "structureNumber": self.structure_number,
            "road": self.road,
            "yearBuilt": self.year_built,
            "material": self.material,
            "constructionType": self.construction_type,
            "spans": self.spans,
            "lengthM": self.length_m,
            "ownerDepartment": self.owner_department,
            "conditionGrade": float(self.condition_grade) if self.condition_grade else None,
            "gradeBand": self.grade_band[0] if self.grade_band else None,
            "inspections": {
                key: value.isoformat() if value else None for key, value in schedule.items()
            },
        }

    def inspection_schedule(self) -> dict:
        """Last and next dates of the DIN 1076 inspections.

        Main inspection (Hauptprüfung) every 6 years; simple inspection (Einfache Prüfung)
        3 years after each main inspection; a visual check (Besichtigung) every year in
        which no inspection takes place.
        """
        inspections = list(self.inspections.all())

        def last(kind):
            dates = [item.date for item in inspections if item.kind == kind]
            return max(dates) if dates else None

        last_main = last(InspectionKind.MAIN)
        last_simple = last(InspectionKind.SIMPLE)
        last_any = max((item.date for item in inspections), default=None)
        next_main = add_years(last_main, 6) if last_main else None
        next_simple = None
        if last_main and not (last_simple and last_simple > last_main):
            next_simple = add_years(last_main, 3)
        next_visual = add_years(last_any, 1) if last_any else None
        return {
            "last_main": last_main,
            "last_simple": last_simple,
            "last_visual": last(InspectionKind.VISUAL),
            "next_main": next_main,
            "next_simple": next_simple,
            "next_visual": next_visual,
        }

    def overdue(self, today: date | None = None) -> list[tuple[str, date]]:
        """The inspections whose due date has passed: (label, due date)."""
        today = today or timezone.localdate()
        schedule = self.inspection_schedule()
        labels = {
            "next_main": _("Hauptprüfung"),
            "next_simple": _("Einfache Prüfung"),
            "next_visual": _("Besichtigung"),
        }
        result = [
            (str(label), schedule[key])
            for key, label in labels.items()
            if schedule[key] and schedule[key] < today
        ]
        if not schedule["last_main"]:
            result.insert(0, (str(_("Hauptprüfung")), today))
        return result


class InspectionKind(models.TextChoices):
    MAIN = "main", _("Hauptprüfung")
    SIMPLE = "simple", _("Einfache Prüfung")
    VISUAL = "visual", _("Besichtigung")
    SPECIAL = "special", _("Prüfung aus besonderem Anlass")


class Inspection(models.Model):
    """One DIN 1076 inspection; main and simple inspections give a Zustandsnote."""

    bridge = models.ForeignKey(Bridge, on_delete=models.CASCADE, related_name="inspections")
    kind = models.CharField(_("Art"), max_length=10, choices=InspectionKind.choices)
    date = models.DateField(_("Datum"))
    grade = models.DecimalField(
        _("Zustandsnote"),
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1.0")), MaxValueValidator(Decimal("4.0"))],
    )
    notes = models.TextField(_("Bemerkungen"), blank=True)

    class Meta:
        verbose_name = _("Bauwerksprüfung")
        verbose_name_plural = _("Bauwerksprüfungen")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date.isoformat()}"

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("Das Prüfdatum darf nicht in der Zukunft liegen.")})
        if self.kind in (InspectionKind.MAIN, InspectionKind.SIMPLE) and self.grade is None:
            raise ValidationError(
                {"grade": _("Haupt- und einfache Prüfungen brauchen eine Zustandsnote.")}
            )


class ChannelKind(models.TextChoices):
    TILT = "tilt", _("Neigung")
    CRACK = "crack", _("Rissbreite")
    STRAIN = "strain", _("Dehnung")
    TEMPERATURE = "temperature", _("Bauwerkstemperatur")
    ACCELERATION = "acceleration", _("Beschleunigung")
    DISPLACEMENT = "displacement", _("Verschiebung")


UNITS = {
    ChannelKind.TILT: ("Milliradiant", "mrad"),
    ChannelKind.CRACK: ("Millimeter", "mm"),
    ChannelKind.STRAIN: ("Mikrometer je Meter", "µm/m"),
    ChannelKind.TEMPERATURE: ("Grad Celsius", "°C"),
    ChannelKind.ACCELERATION: ("Meter je Quadratsekunde", "m/s²"),
    ChannelKind.DISPLACEMENT: ("Millimeter", "mm"),
}
# Slowly varying channels are temperature-compensated and monitored against limits.
SLOW_KINDS = (ChannelKind.TILT, ChannelKind.CRACK, ChannelKind.DISPLACEMENT)
# High-rate channels send windows: one Observation whose result is an array of samples.
DYNAMIC_KINDS = (ChannelKind.ACCELERATION, ChannelKind.STRAIN)


class Channel(models.Model):
    """A measuring channel (one Datastream) with its position and analysis configuration."""

    bridge = models.ForeignKey(Bridge, on_delete=models.CASCADE, related_name="channels")
    datastream = models.OneToOneField(
        Datastream, on_delete=models.PROTECT, related_name="bridge_channel"
    )
    code = models.SlugField(_("Kennung"), max_length=40)
    kind = models.CharField(_("Messgröße"), max_length=20, choices=ChannelKind.choices)
    position = models.CharField(_("Lage am Bauwerk"), max_length=200)
    chainage_m = models.FloatField(_("Station (m)"), null=True, blank=True)
    temperature_channel = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Temperaturkanal für die Kompensation"),
    )
    # Analysis configuration
    sampling_rate_hz = models.FloatField(
        _("Abtastrate (Hz)"),
        null=True,
        blank=True,
        help_text=_("Nur für Beschleunigung und Dehnung (Messfenster mit Einzelwerten)."),
    )
    expected_interval_s = models.PositiveIntegerField(
        _("Erwarteter Abstand der Messwerte (s)"), default=1800
    )
    window_s = models.PositiveIntegerField(
        _("Analysefenster (s)"),
        default=6 * 3600,
        help_text=_("Für Beschleunigung: Länge eines Spektrums; sonst Glättungsfenster."),
    )
    calibration_days = models.PositiveSmallIntegerField(_("Kalibrierzeitraum (Tage)"), default=7)
    detail_category = models.PositiveSmallIntegerField(
        _("Kerbfall (Δσ_C in N/mm²)"), null=True, blank=True
    )
    modulus_gpa = models.FloatField(_("Elastizitätsmodul (GPa)"), default=210.0)
    gamma_mf = models.FloatField(_("Teilsicherheitsbeiwert γ_Mf"), default=1.0)
    # Drop of the compensated natural frequencies (in %) per level; each is raised to a
    # multiple of the calibration scatter (analysis.frequency_limits).
    frequency_notice_limit = models.FloatField(
        _("Hinweisgrenze für den Frequenzabfall (%)"),
        default=1.0,
        help_text=_("Sinkt die kompensierte Eigenfrequenz um mehr, gibt es einen Hinweis."),
    )
    frequency_drop_limit = models.FloatField(
        _("Warngrenze für den Frequenzabfall (%)"),
        default=2.0,
        help_text=_("Bleibt die kompensierte Eigenfrequenz länger darunter, wird gewarnt."),
    )
    frequency_alarm_limit = models.FloatField(
        _("Alarmgrenze für den Frequenzabfall (%)"),
        default=4.0,
        help_text=_("Sinkt die kompensierte Eigenfrequenz um mehr, wird Alarm ausgelöst."),
    )
    # Baseline (fitted after the calibration period) and engineers' overrides
    baseline = models.JSONField(_("Referenzmodell"), null=True, blank=True)
    notice_limit = models.FloatField(_("Hinweisgrenze (von Hand gesetzt)"), null=True, blank=True)
    warning_limit = models.FloatField(_("Warngrenze (von Hand gesetzt)"), null=True, blank=True)
    alarm_limit = models.FloatField(_("Alarmgrenze (von Hand gesetzt)"), null=True, blank=True)
    # State of the running analysis
    level = models.SmallIntegerField(_("Stufe"), choices=Level.choices, default=Level.NORMAL)
    analysed_until = models.DateTimeField(_("Ausgewertet bis"), null=True, blank=True)
    last_seen = models.DateTimeField(_("Letzter Messwert"), null=True, blank=True)
    trend_per_year = models.FloatField(_("Trend je Jahr"), null=True, blank=True)
    damage = models.FloatField(_("Schädigung (Miner-Summe)"), default=0.0)
    damage_seconds = models.FloatField(_("Ausgewertete Messdauer (s)"), default=0.0)
    rainflow_histogram = models.JSONField(_("Rainflow-Histogramm"), null=True, blank=True)

    class Meta:
        verbose_name = _("Messkanal")
        verbose_name_plural = _("Messkanäle")
        ordering = ["bridge", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["bridge", "code"], name="bridge_channel_code")
        ]

    def __str__(self):
        return f"{self.bridge.name}: {self.get_kind_display()} {self.code}"

    @property
    def unit(self) -> str:
        return UNITS[self.kind][1]

    @property
    def is_slow(self) -> bool:
        return self.kind in SLOW_KINDS

    @property
    def is_dynamic(self) -> bool:
        return self.kind in DYNAMIC_KINDS

    def clean(self):
        from smartcity.bridges.analysis.config import check_channel_config

        errors = check_channel_config(self)
        if errors:
            raise ValidationError(errors)

    def limits(self) -> dict[int, float] | None:
        """|residual| thresholds per level: overrides first, else from the baseline."""
        fitted = (self.baseline or {}).get("limits") or {}
        values = {
            Level.NOTICE: self.notice_limit if self.notice_limit is not None else fitted.get("1"),
            Level.WARNING: self.warning_limit
            if self.warning_limit is not None
            else fitted.get("2"),
            Level.ALARM: self.alarm_limit if self.alarm_limit is not None else fitted.get("3"),
        }
        if any(value is None for value in values.values()):
            return None
        return values


class DerivedKind(models.TextChoices):
    COMPENSATED = "compensated", _("temperaturkompensiert")
    FREQUENCY = "frequency", _("Eigenfrequenz")
    DAMAGE = "damage", _("Ermüdungsschädigung")


class DerivedStream(models.Model):
    """A Datastream the analysis writes (mode 1, 2, … for natural frequencies)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="derived")
    kind = models.CharField(max_length=20, choices=DerivedKind.choices)
    mode = models.PositiveSmallIntegerField(default=0)
    datastream = models.OneToOneField(
        Datastream, on_delete=models.CASCADE, related_name="bridge_derived"
    )

    class Meta:
        verbose_name = _("Abgeleiteter Datenstrom")
        verbose_name_plural = _("Abgeleitete Datenströme")
        constraints = [
            models.UniqueConstraint(fields=["channel", "kind", "mode"], name="bridge_derived_once")
        ]

    def __str__(self):
        return f"{self.channel} {self.kind} {self.mode}"


class AlertKind(models.TextChoices):
    LIMIT = "limit", _("Grenzwert überschritten")
    FREQUENCY = "frequency", _("Eigenfrequenz gesunken")
    FATIGUE = "fatigue", _("Ermüdung")
    SILENT = "silent", _("Sensor meldet nicht")
    FROZEN = "frozen", _("Sensor liefert konstante Werte")


class Alert(models.Model):
    """One condition per channel and kind; repeated detections update it (de-duplication)."""

    bridge = models.ForeignKey(Bridge, on_delete=models.CASCADE, related_name="alerts")
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    kind = models.CharField(_("Art"), max_length=20, choices=AlertKind.choices)
    level = models.SmallIntegerField(_("Stufe"), choices=Level.choices)
    message = models.TextField(pgettext_lazy("bridge alert text", "Meldung"))
    observed_at = models.DateTimeField(_("Zeitpunkt in den Messdaten"))
    created_at = models.DateTimeField(_("Erkannt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("Zuletzt bestätigt"), default=timezone.now)
    repeats = models.PositiveIntegerField(_("Wiederholungen"), default=0)
    acknowledged_at = models.DateTimeField(_("Quittiert am"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Quittiert von"),
    )
    resolved_at = models.DateTimeField(_("Erledigt am"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("bridge alert", "Meldung")
        verbose_name_plural = pgettext_lazy("bridge alert", "Meldungen")
        ordering = ["-observed_at"]
        indexes = [models.Index(fields=["bridge", "resolved_at"], name="bridge_alert_open")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_level_display()})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class AlertLog(models.Model):
    """What happened to an alert: raised, escalated, notified, acknowledged, resolved."""

    class Action(models.TextChoices):
        RAISED = "raised", _("erkannt")
        ESCALATED = "escalated", _("verschärft")
        REPEATED = "repeated", _("erneut erkannt")
        EMAIL = "email", _("E-Mail versandt")
        WEBHOOK = "webhook", _("Webhook aufgerufen")
        FAILED = "failed", _("Benachrichtigung fehlgeschlagen")
        ACKNOWLEDGED = "acknowledged", _("quittiert")
        RESOLVED = "resolved", _("erledigt")
        LIMITS = "limits", _("Grenzen geändert")

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="log", null=True, blank=True
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="log", null=True, blank=True
    )
    at = models.DateTimeField(default=timezone.now)
    observed_at = models.DateTimeField(_("Zeitpunkt in den Messdaten"), null=True, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.TextField(blank=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at.isoformat()} {self.action}"
