"""Notifications: a personal inbox and e-mail, with one-click unsubscribe."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from smartcity.core.tasks import send_email_later
from smartcity.participation.models import Notification, NotificationPreference

UNSUBSCRIBE_SALT = "participation.unsubscribe"
PREFERENCE_OF_KIND = {
    Notification.Kind.REPLY: "on_reply",
    Notification.Kind.OFFICIAL: "on_official_answer",
    Notification.Kind.MODERATION: "on_moderation",
}


def preferences(user) -> NotificationPreference:
    prefs, _created = NotificationPreference.objects.get_or_create(user=user)
    return prefs


def unsubscribe_url(user) -> str:
    token = signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)
    return reverse("participation:unsubscribe", kwargs={"token": token})


def unsubscribe(token: str):
    """Switch off all e-mails for the token's user; returns the user or None."""
    from django.contrib.auth import get_user_model

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is not None:
        prefs = preferences(user)
        prefs.by_email = False
        prefs.save(update_fields=["by_email"])
    return user


def _absolute(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def notify(user, kind: str, message: str, url: str = "") -> Notification | None:
    if user is None or not user.is_active:
        return None
    prefs = preferences(user)
    if not getattr(prefs, PREFERENCE_OF_KIND[kind]):
        return None
    note = Notification.objects.create(user=user, kind=kind, message=message[:500], url=url)
    if prefs.by_email and user.email:
        body = (
            f"{message}\n\n{_absolute(url)}\n\n"
            f"Keine E-Mails mehr erhalten: {_absolute(unsubscribe_url(user))}\n"
        )
        send_email_later("[Smart City] " + message[:80], body, [user.email])
    return note


def email_address(address: str, subject: str, body: str) -> None:
    """Mail to someone without an account (idea submitters)."""
    send_email_later("[Smart City] " + subject, body, [address])
