"""Schools, buildings, rooms and their sensors; timetables, holidays; classes for the workbench.

Rooms, never people: a room's readings are SensorThings Datastreams (``RoomSensor`` links one
quantity of a room to one Datastream). Pupils have no platform account and no personal data: a
nickname they choose, a password hash and their class.
"""

import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartcity.core.models import City


def _display_key() -> str:
    return secrets.token_urlsafe(16)


class School(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="schools")
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=80)
    address = models.CharField(_("Adresse"), max_length=300, blank=True, default="")
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)
    is_public = models.BooleanField(
        _("öffentlich"), default=True, help_text=_("Tageswerte auf der öffentlichen Seite zeigen.")
    )
    # The wall display in a classroom works without login through this secret link.
    display_key = models.CharField(
        _("Schlüssel der Wandanzeige"), max_length=40, default=_display_key
    )

    class Meta:
        verbose_name = _("Schule")
        verbose_name_plural = _("Schulen")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="schools_school_slug"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schools:school", kwargs={"city": self.city.slug, "school": self.slug})


class Building(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="buildings")
    name = models.CharField(_("Name"), max_length=200)

    class Meta:
        verbose_name = _("Gebäude")
        verbose_name_plural = _("Gebäude")
        ordering = ["school", "name"]

    def __str__(self):
        return f"{self.school} – {self.name}"


class Room(models.Model):
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("Name"), max_length=100)
    slug = models.SlugField(_("Kurzname"), max_length=60)
    volume = models.FloatField(_("Raumvolumen (m³)"), default=200)
    seats = models.PositiveSmallIntegerField(pgettext_lazy("seats in a room", "Plätze"), default=28)
    thing = models.OneToOneField(
        "sensors.Thing",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="school_room",
        verbose_name=_("SensorThings-Thing"),
    )

    class Meta:
        verbose_name = _("Raum")
        verbose_name_plural = _("Räume")
        ordering = ["building__school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["building", "slug"], name="schools_room_slug"),
        ]

    def __str__(self):
        return self.name

    @property
    def school(self):
        return self.building.school


class Quantity(models.TextChoices):
    CO2 = "co2", _("CO₂")
    TEMPERATURE = "temperature", _("Temperatur")
    HUMIDITY = "humidity", _("Luftfeuchte")
    PM25 = "pm25", _("Feinstaub PM2,5")
    PM10 = "pm10", _("Feinstaub PM10")
    NOISE = "noise", pgettext_lazy("sound level", "Lautstärke")


UNITS = {
    Quantity.CO2: "ppm",
    Quantity.TEMPERATURE: "°C",
    Quantity.HUMIDITY: "%",
    Quantity.PM25: "µg/m³",
    Quantity.PM10: "µg/m³",
    Quantity.NOISE: "dB(A)",
}


class RoomSensor(models.Model):
    """One quantity measured in a room: the Datastream holding its Observations."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="sensors")
    quantity = models.CharField(_("Messgröße"), max_length=20, choices=Quantity.choices)
    datastream = models.OneToOneField(
        "sensors.Datastream",
        on_delete=models.CASCADE,
        related_name="school_sensor",
        verbose_name=_("Datastream"),
    )

    class Meta:
        verbose_name = _("Raumsensor")
        verbose_name_plural = _("Raumsensoren")
        constraints = [
            models.UniqueConstraint(fields=["room", "quantity"], name="schools_sensor_quantity"),
        ]

    def __str__(self):
        return f"{self.room} – {self.get_quantity_display()}"


class Period(models.Model):
    """A lesson period of the school's timetable (local time), e.g. 1. Stunde 08:00–08:45."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField(pgettext_lazy("lesson period", "Stunde"))
    start = models.TimeField(_("Beginn"))
    end = models.TimeField(_("Ende"))

    class Meta:
        verbose_name = _("Unterrichtsstunde")
        verbose_name_plural = _("Unterrichtsstunden")
        ordering = ["school", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="schools_period_number"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="schools_period_order"
            ),
        ]

    def __str__(self):
        return f"{self.number}. ({self.start:%H:%M}–{self.end:%H:%M})"


class Occupancy(models.Model):
    """How many pupils are in a room in one period of one weekday (the timetable)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="occupancy")
    weekday = models.PositiveSmallIntegerField(
        _("Wochentag"), help_text=_("0 = Montag … 4 = Freitag")
    )
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    pupils = models.PositiveSmallIntegerField(_("Schülerzahl"))

    class Meta:
        verbose_name = _("Belegung")
        verbose_name_plural = _("Belegungen")
        constraints = [
            models.UniqueConstraint(
                fields=["room", "weekday", "period"], name="schools_occupancy_unique"
            ),
        ]

    def __str__(self):
        return f"{self.room} {self.weekday} {self.period}"


class SchoolHoliday(models.Model):
    """School holidays of a federal state (data, importable: NRW by default)."""

    state = models.CharField(_("Land"), max_length=5, default="NW")
    name = models.CharField(_("Name"), max_length=100)
    start = models.DateField(_("erster Ferientag"))
    end = models.DateField(_("letzter Ferientag"))

    class Meta:
        verbose_name = _("Schulferien")
        verbose_name_plural = _("Schulferien")
        ordering = ["state", "start"]
        constraints = [
            models.UniqueConstraint(fields=["state", "start"], name="schools_holiday_unique"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="schools_holiday_order"
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.start:%Y}"


class Teacher(models.Model):
    """A teacher account (a platform user with the teacher role) at one school."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teachers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_teacher"
    )

    class Meta:
        verbose_name = _("Lehrkraft")
        verbose_name_plural = _("Lehrkräfte")
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="schools_teacher_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.school})"


def _class_code() -> str:
    # No 0/O, 1/I/L: easy to read off a board.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


class SchoolClass(models.Model):
    """A class or course using the workbench; pupils join it with its code."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(_("Name"), max_length=60)
    code = models.CharField(_("Klassencode"), max_length=12, unique=True, default=_class_code)
    teacher = models.ForeignKey(
        Teacher, on_delete=models.SET_NULL, null=True, blank=True, related_name="classes"
    )
    is_open = models.BooleanField(_("Beitritt möglich"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Klasse")
        verbose_name_plural = _("Klassen")
        ordering = ["school", "name"]

    def __str__(self):
        return f"{self.name} ({self.school})"


class Pupil(models.Model):
    """A pupil in the workbench: a nickname of their choice and a password, nothing else."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="pupils")
    nickname = models.CharField(_("Spitzname"), max_length=30)
    password = models.CharField(max_length=128)
    must_change_password = models.BooleanField(
        _("Muss das Passwort ändern"),
        default=False,
        help_text=_("Nach dem Zurücksetzen durch die Lehrkraft: bei der nächsten Anmeldung."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Schülerin / Schüler")
        verbose_name_plural = _("Schülerinnen und Schüler")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "nickname"], name="schools_pupil_nickname"
            ),
        ]

    def __str__(self):
        return self.nickname

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return check_password(raw, self.password)


class Task(models.Model):
    """A short guided task a teacher assigns to a class."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("Titel"), max_length=120)
    text = models.TextField(pgettext_lazy("school task", "Aufgabe"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("school task", "Aufgabe")
        verbose_name_plural = pgettext_lazy("school task", "Aufgaben")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Answer(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="answers")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(pgettext_lazy("answer to a task", "Antwort"), max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("answer to a task", "Antwort")
        verbose_name_plural = pgettext_lazy("answer to a task", "Antworten")
        constraints = [
            models.UniqueConstraint(fields=["task", "pupil"], name="schools_answer_unique"),
        ]

    def __str__(self):
        return f"{self.pupil}: {self.task}"
