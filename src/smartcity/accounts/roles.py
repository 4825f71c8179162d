from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person may do in one city. Citizens need no membership: every account is one."""

    CITIZEN = "citizen", _("Bürgerin / Bürger")
    PARTNER = "partner", _("Mitglied einer Partnerorganisation")
    EDITOR = "editor", _("Redaktion (Smart-City-Team)")
    MODERATOR = "moderator", _("Moderation")
    DEPARTMENT = "department", _("Fachbereich / Amt")
    TEACHER = "teacher", _("Lehrkraft")
    ADMIN = "admin", _("Administration")
