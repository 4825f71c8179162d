"""Account logic: the personal-data export (DSGVO Art. 15/20) and deletion (Art. 17)."""

from django.db import transaction
from django.utils import timezone

from smartcity import __version__
from smartcity.core.registries import personal_data


def export_user_data(user) -> dict:
    """Everything the platform keeps about ``user``, gathered from every capability."""
    return {
        "format": "smartcity-personal-data/1",
        "platform_version": __version__,
        "exported_at": timezone.now().isoformat(),
        "data": {provider.name: provider.export(user) for provider in personal_data},
    }


@transaction.atomic
def delete_account(user) -> None:
    """Erase the user's data in every capability, then the account; all or nothing."""
    for provider in personal_data:
        provider.erase(user)
    user.delete()
