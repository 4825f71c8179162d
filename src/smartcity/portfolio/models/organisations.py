"""The alliance: partner organisations, their roles in projects, expert teams."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smartcity.core.models import City
from smartcity.portfolio.models.programme import ActionField, Project


class PartnerKind(models.TextChoices):
    COMPANY = "company", _("Unternehmen")
    STARTUP = "startup", _("Start-up")
    ASSOCIATION = "association", _("Verband / Verein")
    RESEARCH = "research", _("Forschungseinrichtung")
    PUBLIC = "public", _("Politik / Verwaltung")
    OTHER = "other", _("Sonstige")


class Partner(models.Model):
    name = models.CharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=120, unique=True)
    kind = models.CharField(
        _("Art"), max_length=20, choices=PartnerKind.choices, default=PartnerKind.COMPANY
    )
    logo = models.ImageField(_("Logo"), upload_to="portfolio/logos/", blank=True)
    website = models.URLField(_("Website"), blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    member_since = models.DateField(_("Mitglied seit"), null=True, blank=True)
    founding_member = models.BooleanField(_("Gründungsmitglied"), default=False)
    cities = models.ManyToManyField(
        City, related_name="partners", blank=True, verbose_name=_("Städte")
    )
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)

    class Meta:
        verbose_name = _("Partnerorganisation")
        verbose_name_plural = _("Partnerorganisationen")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portfolio:partner", kwargs={"slug": self.slug})


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Federführung")
    PARTNER = "partner", _("Projektpartner")
    RESEARCH = "research", _("Forschungspartner")
    FUNDER = "funder", _("Förderer")
    SUPPORTER = "supporter", _("Unterstützer")


class ProjectPartner(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="partner_roles", verbose_name=_("Projekt")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="project_roles", verbose_name=_("Partner")
    )
    role = models.CharField(
        _("Rolle"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )

    class Meta:
        verbose_name = _("Rolle eines Partners im Projekt")
        verbose_name_plural = _("Rollen von Partnern in Projekten")
        ordering = ["project", "role", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "partner"], name="one_role_per_partner")
        ]

    def __str__(self):
        return f"{self.partner} – {self.get_role_display()}"


class ExpertTeam(models.Model):
    name = models.CharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=120, unique=True)
    topic = models.CharField(_("Thema"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    action_field = models.ForeignKey(
        ActionField,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert_teams",
        verbose_name=_("Handlungsfeld"),
    )
    members = models.ManyToManyField(
        Partner, related_name="expert_teams", blank=True, verbose_name=_("Mitglieder")
    )
    projects = models.ManyToManyField(
        Project, related_name="expert_teams", blank=True, verbose_name=_("Projekte")
    )
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)

    class Meta:
        verbose_name = _("Expertenteam")
        verbose_name_plural = _("Expertenteams")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portfolio:expert_team", kwargs={"slug": self.slug})
