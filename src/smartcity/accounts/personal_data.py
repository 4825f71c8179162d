"""What the accounts and core apps keep about a person, for export and erasure."""

from allauth.account.models import EmailAddress

from smartcity.core.registries import PersonalData, personal_data


def _iso(value):
    return value.isoformat() if value else None


def export_account(user) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "roles": [
            {"city": m.city.slug, "role": m.role, "organisation": m.organisation}
            for m in user.memberships.select_related("city")
        ],
    }


def export_tokens(user) -> list[dict]:
    # The secrets themselves are not stored, so they cannot be exported.
    return [
        {
            "name": token.name,
            "prefix": token.prefix,
            "scopes": token.scopes,
            "created_at": _iso(token.created_at),
            "last_used_at": _iso(token.last_used_at),
            "revoked_at": _iso(token.revoked_at),
        }
        for token in user.api_tokens.all()
    ]


def erase_nothing_extra(user) -> None:
    """Account rows, e-mail addresses, roles and tokens go with the account (cascade)."""


personal_data.register("account", PersonalData("account", export_account, erase_nothing_extra))
personal_data.register("api_tokens", PersonalData("api_tokens", export_tokens, erase_nothing_extra))
