"""News posts, events, registrations for events and the tags shared by both."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartcity.core.html import clean_html
from smartcity.core.models import City
from smartcity.news.content import strip_metadata, validate_image


class Tag(models.Model):
    slug = models.SlugField(_("Kurzname"), unique=True)
    name = models.CharField(_("Name"), max_length=80)

    class Meta:
        verbose_name = _("Schlagwort")
        verbose_name_plural = _("Schlagwörter")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Publishable.Status.PUBLISHED, published_at__lte=timezone.now())


class Publishable(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")

    city = models.ForeignKey(City, on_delete=models.CASCADE, verbose_name=_("Stadt"))
    slug = models.SlugField(_("Kurzname"), max_length=120)
    title = models.CharField(_("Titel"), max_length=200)
    tags = models.ManyToManyField(Tag, blank=True, verbose_name=_("Schlagwörter"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("veröffentlicht ab"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Autor/in"),
    )

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


class Post(Publishable):
    teaser = models.CharField(_("Anreißer"), max_length=300)
    body = models.TextField(_("Text"), help_text=_("Einfaches HTML: Absätze, Listen, Links."))
    image = models.ImageField(_("Bild"), upload_to="news/", blank=True, validators=[validate_image])
    image_alt = models.CharField(
        _("Alternativtext des Bildes"),
        max_length=250,
        blank=True,
        help_text=_("Beschreibt das Bild für Menschen, die es nicht sehen."),
    )
    related_projects = models.TextField(
        _("Verwandte Projekte"),
        blank=True,
        help_text=_("Adressen (URLs) von Projektseiten, eine pro Zeile."),
    )

    class Meta:
        verbose_name = pgettext_lazy("news item", "Meldung")
        verbose_name_plural = pgettext_lazy("news item", "Meldungen")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="news_post_slug"),
            models.CheckConstraint(
                condition=models.Q(image="") | ~models.Q(image_alt=""),
                name="news_post_image_alt",
                violation_error_message=_("Ein Bild braucht einen Alternativtext."),
            ),
        ]

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        if self.image and not getattr(self.image, "_committed", True):
            self.image = strip_metadata(self.image.file)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:post", kwargs={"city": self.city.slug, "slug": self.slug})

    def project_links(self) -> list[str]:
        return [line.strip() for line in self.related_projects.splitlines() if line.strip()]


class Event(Publishable):
    class Category(models.TextChoices):
        EVENT = "event", _("Veranstaltung")
        PARTICIPATION = "participation", _("Beteiligungsformat (Workshop, Lab)")

    description = models.TextField(_("Beschreibung"), help_text=_("Einfaches HTML."))
    category = models.CharField(
        _("Kategorie"), max_length=20, choices=Category.choices, default=Category.EVENT
    )
    start = models.DateTimeField(_("Beginn"), db_index=True)
    end = models.DateTimeField(_("Ende"))
    place = models.CharField(_("Ort"), max_length=200)
    address = models.CharField(_("Adresse"), max_length=200, blank=True)
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)
    organiser = models.CharField(_("Veranstalter"), max_length=200)
    registration_url = models.URLField(
        _("Anmeldung über (Link)"), blank=True, help_text=_("Leer lassen für die eigene Anmeldung.")
    )
    capacity = models.PositiveIntegerField(
        _("Plätze"),
        null=True,
        blank=True,
        help_text=_("Für die Anmeldung hier; leer: keine Anmeldung nötig."),
    )

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["start", "pk"]
        # Bounding-box queries of the map and of ``nearby``.
        indexes = [models.Index(fields=["latitude", "longitude"], name="news_event_position")]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="news_event_slug"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="news_event_order",
                violation_error_message=_("Das Ende liegt vor dem Beginn."),
            ),
        ]

    def save(self, *args, **kwargs):
        self.description = clean_html(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:event", kwargs={"city": self.city.slug, "slug": self.slug})

    @property
    def has_registration(self) -> bool:
        return self.capacity is not None and not self.registration_url


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("angemeldet")
        WAITING = "waiting", _("Warteliste")
        CANCELLED = "cancelled", _("abgemeldet")

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("Veranstaltung"),
    )
    name = models.CharField(_("Name"), max_length=150)
    email = models.EmailField(_("E-Mail"))
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.event} – {self.name}"

    @staticmethod
    def new_key() -> tuple[str, str]:
        key = secrets.token_urlsafe(24)
        return key, hashlib.sha256(key.encode()).hexdigest()

    def key_matches(self, key: str) -> bool:
        digest = hashlib.sha256((key or "").encode()).hexdigest()
        return bool(key) and secrets.compare_digest(self.key_hash, digest)
