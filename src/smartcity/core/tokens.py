"""API tokens: creation, verification and revocation.

A token is ``sc_`` + 40 random URL-safe characters. It is shown once; we keep its SHA-256
digest (a fast hash suffices: the secret has ~240 bits of entropy, so it cannot be guessed).
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from smartcity.core.models import ApiToken

TOKEN_PREFIX = "sc_"  # noqa: S105 - a public marker, not a secret
SCOPES = {
    "sta:write": "SensorThings: Sensordaten schreiben",
    "open311:write": "Open311: Meldungen anlegen",
    "opendata:write": "Open Data: Datensätze bearbeiten",
    "portfolio:write": "Smart-City-Programm: Projekte bearbeiten",
    "participation:write": "Beteiligung: kommentieren, bewerten, Ideen einreichen",
    "admin": "Alle Berechtigungen",
}
# Writing last-use time on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class TokenError(ValueError):
    pass


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scopes(text: str | list[str]) -> list[str]:
    items = text.split(",") if isinstance(text, str) else list(text)
    scopes = sorted({item.strip() for item in items if item.strip()})
    if not scopes:
        raise TokenError("at least one scope is required")
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise TokenError(
            f"unknown scope {', '.join(unknown)}; choose from {', '.join(sorted(SCOPES))}"
        )
    return scopes


def create_token(user, scopes, name: str = "", expires_at=None) -> tuple[ApiToken, str]:
    """Create a token; returns the stored record and the secret (shown only now)."""
    scope_list = parse_scopes(scopes)
    if not user.is_active:
        raise TokenError(f"user {user} is inactive")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:10],
        digest=digest(secret),
        scopes=scope_list,
        expires_at=expires_at,
    )
    return token, secret


def verify_token(secret: str | None, scope: str | None = None) -> ApiToken | None:
    """The active token for ``secret`` (with ``scope``, if given), else None.

    Callers answer every ``None`` the same way, so a client cannot tell an unknown token
    from a revoked one or one lacking the scope.
    """
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(digest=digest(secret), user__is_active=True)
        .first()
    )
    if token is None or (scope and not token.has_scope(scope)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def revoke_token(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def find_token(identifier: str, user=None) -> ApiToken:
    """Find a token by id or by its visible prefix (as listed), optionally for one user."""
    tokens = ApiToken.objects.all() if user is None else user.api_tokens.all()
    if identifier.isdigit():
        match = tokens.filter(pk=int(identifier))
    else:
        match = tokens.filter(prefix=identifier[:10])
    found = list(match[:2])
    if len(found) != 1:
        raise TokenError(f"no single token matches {identifier!r}")
    return found[0]
