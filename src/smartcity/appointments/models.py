"""Offices, the services they offer, bookable slots, holds and bookings.

Capacity lives in :class:`Slot` rows (one per office and start time, created on first use):
each hold or booking occupies one counter of each slot it spans through a :class:`SlotUse`
row, and ``(slot, counter)`` is unique, so the database itself refuses a double booking.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartcity.core.models import City

WEEKDAYS = [
    (0, _("Montag")),
    (1, _("Dienstag")),
    (2, _("Mittwoch")),
    (3, _("Donnerstag")),
    (4, _("Freitag")),
    (5, _("Samstag")),
    (6, _("Sonntag")),
]
# No 0/O or 1/I/L: codes are read out on the phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def setting(name: str, default):
    return getattr(settings, f"APPOINTMENTS_{name}", default)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Office(models.Model):
    """A place where people are served, e.g. a Bürgerdienste location."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="offices", verbose_name=_("Stadt")
    )
    slug = models.SlugField(_("Kurzname"))
    name = models.CharField(_("Name"), max_length=150)
    street = models.CharField(_("Straße und Hausnummer"), max_length=150)
    postcode = models.CharField(_("PLZ"), max_length=10)
    town = models.CharField(pgettext_lazy("town in an address", "Ort"), max_length=100)
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)
    counters = models.PositiveSmallIntegerField(
        _("Schalter"), default=2, help_text=_("So viele Termine finden gleichzeitig statt.")
    )
    slot_minutes = models.PositiveSmallIntegerField(_("Taktung (Minuten)"), default=15)
    booking_days = models.PositiveSmallIntegerField(
        _("Buchbar für (Tage)"), default=28, help_text=_("So weit im Voraus sind Termine buchbar.")
    )
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Dienststelle")
        verbose_name_plural = _("Dienststellen")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="appointments_office_slug"),
            models.CheckConstraint(
                condition=models.Q(counters__gte=1), name="appointments_office_counters"
            ),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5), name="appointments_office_slot_minutes"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postcode} {self.town}"

    def counters_at(self, start) -> int:
        """Capacity at ``start``: the opening-hours span's own number, else the office's."""
        local = timezone.localtime(start)
        # Kept on the instance: asked once per slot while listing or booking a day.
        if "_hours" not in self.__dict__:
            self.__dict__["_hours"] = list(self.opening_hours.all())
        for hours in self.__dict__["_hours"]:
            if hours.weekday == local.weekday() and hours.opens <= local.time() < hours.closes:
                return hours.counters or self.counters
        return self.counters


class OpeningHours(models.Model):
    office = models.ForeignKey(
        Office,
        on_delete=models.CASCADE,
        related_name="opening_hours",
        verbose_name=_("Dienststelle"),
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=WEEKDAYS)
    opens = models.TimeField(_("öffnet"))
    closes = models.TimeField(_("schließt"))
    counters = models.PositiveSmallIntegerField(
        _("Schalter"),
        null=True,
        blank=True,
        help_text=_("Nur wenn in dieser Zeit anders viele Schalter besetzt sind als sonst."),
    )

    class Meta:
        verbose_name = _("Öffnungszeit")
        verbose_name_plural = _("Öffnungszeiten")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="appointments_hours_order",
            ),
            models.CheckConstraint(
                condition=models.Q(counters__isnull=True) | models.Q(counters__gte=1),
                name="appointments_hours_counters",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """Days an office is closed besides the public holidays (e.g. staff training)."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="closures", verbose_name=_("Dienststelle")
    )
    first_day = models.DateField(_("erster Tag"))
    last_day = models.DateField(_("letzter Tag"))
    reason = models.CharField(_("Grund"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("Schließtag")
        verbose_name_plural = _("Schließtage")
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="appointments_closure_order",
            )
        ]

    def __str__(self):
        return f"{self.first_day}–{self.last_day} {self.reason}"


class Service(models.Model):
    """Something people book an appointment for, e.g. a new identity card."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="appointment_services", verbose_name=_("Stadt")
    )
    slug = models.SlugField(_("Kurzname"))
    name = models.CharField(_("Name"), max_length=150)
    description = models.TextField(_("Beschreibung"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("Dauer (Minuten)"), default=15)
    documents = models.TextField(
        _("Mitzubringende Unterlagen"), blank=True, help_text=_("Eine Unterlage pro Zeile.")
    )
    offices = models.ManyToManyField(
        Office, related_name="services", verbose_name=_("Dienststellen")
    )
    ordering = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Dienstleistung")
        verbose_name_plural = _("Dienstleistungen")
        ordering = ["city", "ordering", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="appointments_service_slug"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1), name="appointments_service_duration"
            ),
        ]

    def __str__(self):
        return self.name

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class Slot(models.Model):
    """The capacity of one office at one start time; the row bookings lock."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="slots", verbose_name=_("Dienststelle")
    )
    start = models.DateTimeField(_("Beginn"))
    capacity = models.PositiveSmallIntegerField(_("Kapazität"))
    blocked = models.BooleanField(_("gesperrt"), default=False)

    class Meta:
        verbose_name = _("Zeitfenster")
        verbose_name_plural = _("Zeitfenster")
        ordering = ["office", "start"]
        constraints = [
            models.UniqueConstraint(fields=["office", "start"], name="appointments_slot_start")
        ]

    def __str__(self):
        return f"{self.office} {timezone.localtime(self.start):%d.%m.%Y %H:%M}"


class Hold(models.Model):
    """A slot kept for someone while they type their name and address."""

    token = models.CharField(max_length=43, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, verbose_name=_("Dienstleistung"))
    office = models.ForeignKey(Office, on_delete=models.CASCADE, verbose_name=_("Dienststelle"))
    start = models.DateTimeField(_("Beginn"))
    expires_at = models.DateTimeField(_("läuft ab"), db_index=True)

    class Meta:
        verbose_name = _("Reservierung")
        verbose_name_plural = _("Reservierungen")

    def __str__(self):
        return f"{self.office} {self.start}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("gebucht")
        CANCELLED = "cancelled", _("storniert")
        ATTENDED = "attended", _("erschienen")
        MISSED = "missed", _("nicht erschienen")

    code = models.CharField(_("Buchungscode"), max_length=8, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("Dienstleistung")
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("Dienststelle")
    )
    start = models.DateTimeField(_("Beginn"), db_index=True)
    end = models.DateTimeField(_("Ende"))
    counter = models.PositiveSmallIntegerField(_("Schalter"))
    name = models.CharField(_("Name"), max_length=150)
    email = models.EmailField(_("E-Mail"), db_index=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    created_at = models.DateTimeField(_("gebucht am"), auto_now_add=True)
    reminded_at = models.DateTimeField(_("erinnert am"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Buchung")
        verbose_name_plural = _("Buchungen")
        ordering = ["start", "counter"]

    def __str__(self):
        return self.code

    @staticmethod
    def new_code() -> str:
        return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))

    def key_matches(self, key: str) -> bool:
        return bool(key) and secrets.compare_digest(self.key_hash, hash_key(key))

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.CONFIRMED


class SlotUse(models.Model):
    """One counter of one slot, taken by either a hold or a booking."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="uses")
    counter = models.PositiveSmallIntegerField()
    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, null=True, related_name="uses")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, null=True, related_name="uses")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "counter"], name="appointments_one_per_counter"
            ),
            models.CheckConstraint(
                condition=models.Q(hold__isnull=True, booking__isnull=False)
                | models.Q(hold__isnull=False, booking__isnull=True),
                name="appointments_use_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(counter__gte=1), name="appointments_use_counter"
            ),
        ]

    def __str__(self):
        return f"{self.slot} #{self.counter}"
