from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from smartcity.news.models import Registration


def cancel_url(base_url: str, registration: Registration, key: str) -> str:
    path = reverse(
        "news:unregister",
        kwargs={"city": registration.event.city.slug, "pk": registration.pk},
    )
    return f"{base_url.rstrip('/')}{path}?schluessel={key}"


def send_registration(registration: Registration, key: str, base_url: str) -> None:
    context = {"registration": registration, "cancel_url": cancel_url(base_url, registration, key)}
    EmailMessage(
        _("Ihre Anmeldung: %(title)s") % {"title": registration.event.title},
        render_to_string("news/email/registration.txt", context),
        to=[registration.email],
    ).send()


def send_moved_up(registration: Registration) -> None:
    EmailMessage(
        _("Sie haben einen Platz: %(title)s") % {"title": registration.event.title},
        render_to_string("news/email/moved_up.txt", {"registration": registration}),
        to=[registration.email],
    ).send()
