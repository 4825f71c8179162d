"""Event registrations are kept under an e-mail address, not an account."""

from smartcity.news.models import Registration


def export(user) -> list[dict]:
    if not user.email:
        return []
    return [
        {
            "event": registration.event.title,
            "start": registration.event.start.isoformat(),
            "name": registration.name,
            "email": registration.email,
            "status": registration.status,
        }
        for registration in Registration.objects.filter(email__iexact=user.email).select_related(
            "event"
        )
    ]


def erase(user) -> None:
    if user.email:
        Registration.objects.filter(email__iexact=user.email).update(
            name="", email="", key_hash="", status=Registration.Status.CANCELLED
        )
