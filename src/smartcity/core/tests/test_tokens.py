from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from smartcity.accounts.models import User
from smartcity.core import tokens
from smartcity.core.models import ApiToken


@pytest.fixture
def sensor_user(db):
    return User.objects.create_user("sensorbridge", "bridge@example.org", "pw-not-used-123")


def test_token_is_stored_hashed_and_verifies_with_scope(sensor_user):
    token, secret = tokens.create_token(sensor_user, "sta:write,open311:write", name="Brücke")
    assert secret.startswith("sc_") and len(secret) >= 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.digest, stored.prefix)
    assert stored.digest == tokens.digest(secret)
    assert stored.scopes == ["open311:write", "sta:write"]
    assert tokens.verify_token(secret, "sta:write") == stored
    assert tokens.verify_token(secret, "opendata:write") is None
    assert tokens.verify_token(secret + "x") is None
    assert tokens.verify_token("") is None
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_admin_scope_grants_every_scope(sensor_user):
    _token, secret = tokens.create_token(sensor_user, ["admin"])
    for scope in tokens.SCOPES:
        assert tokens.verify_token(secret, scope) is not None


def test_revoked_expired_and_inactive_user_tokens_fail(sensor_user):
    revoked, revoked_secret = tokens.create_token(sensor_user, "sta:write")
    tokens.revoke_token(revoked)
    assert tokens.verify_token(revoked_secret) is None

    _expired, expired_secret = tokens.create_token(
        sensor_user, "sta:write", expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert tokens.verify_token(expired_secret) is None

    _valid, valid_secret = tokens.create_token(sensor_user, "sta:write")
    sensor_user.is_active = False
    sensor_user.save()
    assert tokens.verify_token(valid_secret) is None


@pytest.mark.parametrize("scopes", ["", "sta:read", "admin,unknown"])
def test_unknown_or_missing_scopes_are_refused(sensor_user, scopes):
    with pytest.raises(tokens.TokenError):
        tokens.create_token(sensor_user, scopes)
    assert not ApiToken.objects.exists()


def test_cli_creates_lists_and_revokes(sensor_user):
    out = StringIO()
    call_command(
        "token", "create", "sensorbridge", "--scope", "sta:write", "--name", "Pilot", stdout=out
    )
    secret = out.getvalue().strip()
    assert "\n" not in secret  # only the token on stdout
    assert tokens.verify_token(secret, "sta:write").name == "Pilot"

    listing = StringIO()
    call_command("token", "list", stdout=listing)
    assert secret[:10] in listing.getvalue()
    assert secret not in listing.getvalue()

    call_command("token", "revoke", secret[:10], stdout=StringIO())
    assert tokens.verify_token(secret) is None
    assert secret[:10] not in _list()
    assert secret[:10] in _list("--all")


def _list(*args):
    out = StringIO()
    call_command("token", "list", *args, stdout=out)
    return out.getvalue()


def test_cli_errors_name_the_problem(sensor_user):
    with pytest.raises(CommandError, match="unknown user"):
        call_command("token", "create", "nobody", "--scope", "sta:write")
    with pytest.raises(CommandError, match="--scope: unknown scope"):
        call_command("token", "create", "sensorbridge", "--scope", "everything")
    with pytest.raises(CommandError, match="no single token"):
        call_command("token", "revoke", "sc_missing")
