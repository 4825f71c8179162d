"""MQTT user name/password → platform tokens, for the broker's HTTP auth plugin.

Mosquitto (with mosquitto-go-auth, backend ``http``, ``http_params_mode json``,
``http_response_mode status``) asks the platform:

- ``POST /api/v1/sensors/mqtt/user`` ``{"username", "password"}``: a client connects with the
  token's visible prefix (``sc_…``, 10 characters, as listed by ``smartcity token list``) as
  user name and the whole token as password → 200 when the token is valid, else 403.
- ``POST /api/v1/sensors/mqtt/acl`` ``{"username", "topic", "acc"}`` (1 read, 2 write,
  4 subscribe): reading and subscribing are open (public data; non-public Things are never
  published); writing (creating Observations) needs a token with ``sta:write``.
- ``POST /api/v1/sensors/mqtt/superuser``: always 403 (no MQTT superusers).

The bridge itself connects with its own broker credentials from ``SMARTCITY_MQTT_URL``.
"""

from smartcity.core.models import ApiToken
from smartcity.core.tokens import TOKEN_PREFIX, verify_token

WRITE = 2
PREFIX_LENGTH = 10


def user_allowed(username: str, password: str) -> bool:
    if not username or not username.startswith(TOKEN_PREFIX):
        return False
    token = verify_token(password)
    return token is not None and token.prefix == username[:PREFIX_LENGTH]


def acl_allowed(username: str, topic: str, access: int) -> bool:
    if access != WRITE:
        return True
    token = ApiToken.objects.active().filter(prefix=username[:PREFIX_LENGTH]).first()
    return bool(token and token.user.is_active and token.has_scope("sta:write"))
