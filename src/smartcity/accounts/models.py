from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcity.accounts.roles import Role
from smartcity.core.models import City


class User(AbstractUser):
    """A person's account. Holds no more than registration needs (DSGVO Art. 5 (1) c)."""

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    display_name = models.CharField(
        _("Anzeigename"),
        max_length=60,
        blank=True,
        help_text=_("So erscheinen Sie öffentlich, z. B. bei Kommentaren. Leer: Benutzername."),
    )

    class Meta:
        verbose_name = _("Benutzerkonto")
        verbose_name_plural = _("Benutzerkonten")

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def roles_in(self, city: City | None) -> set[str]:
        """The roles this user holds in ``city`` (cached per instance)."""
        if city is None:
            return set()
        cache = self.__dict__.setdefault("_roles_by_city", {})
        if city.pk not in cache:
            cache[city.pk] = set(self.memberships.filter(city=city).values_list("role", flat=True))
        return cache[city.pk]


class Membership(models.Model):
    """A role of a user in a city, e.g. editor in Dortmund, teacher in Schwerte."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Benutzer")
    )
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Stadt")
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    organisation = models.CharField(
        _("Organisation / Stelle"),
        max_length=200,
        blank=True,
        help_text=_("Z. B. Partnerorganisation, Amt oder Schule."),
    )
    created_at = models.DateTimeField(_("seit"), auto_now_add=True)

    class Meta:
        verbose_name = _("Rolle in einer Stadt")
        verbose_name_plural = _("Rollen in Städten")
        ordering = ["city", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "city", "role"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.city})"
