"""MQTT user name/password → platform tokens, for the broker's HTTP auth plugin.

Mosquitto (with mosquitto-go-auth, backend ``http``, ``http_params_mode json``,
``http_response_mode status``) asks the platform:

- ``POST /api/v1/sensors/mqtt/user`` ``{"username", "password"}``: a client connects with the
  token's visible prefix (``sc_…``, 10 characters, as listed by ``smartcity token list``) as
  user name and the whole token as password → 200 when the token is valid, else 403.
- ``POST /api/v1/sensors/mqtt/acl`` ``{"username", "topic", "acc"}`` (1 read, 2 write,
  4 subscribe): reading and subscribing are open (public data; non-public Things are never
  published); writing (creating Observations) needs a token with ``sta:write``. A
  subscription to a SensorThings topic with a query (``v1.1/Things(1)?$select=name``) is
  checked (only ``$select``, known properties; OGC 18-088 §14.2) and refused when invalid, so
  the client sees the failure in its SUBACK; a valid one is recorded so that the selected
  properties are published there (Mosquitto does not tell the platform who subscribed).
- ``POST /api/v1/sensors/mqtt/superuser``: always 403 (no MQTT superusers).

The bridge itself connects with its own broker credentials from ``SMARTCITY_MQTT_URL``.
"""

from smartcity.core.models import ApiToken
from smartcity.core.tokens import TOKEN_PREFIX, verify_token

WRITE = 2
SUBSCRIBE = 4
PREFIX_LENGTH = 10


def user_allowed(username: str, password: str) -> bool:
    if not username or not username.startswith(TOKEN_PREFIX):
        return False
    token = verify_token(password)
    return token is not None and token.prefix == username[:PREFIX_LENGTH]


def acl_allowed(username: str, topic: str, access: int) -> bool:
    if access == SUBSCRIBE:
        return subscription_allowed(topic)
    if access != WRITE:
        return True
    token = ApiToken.objects.active().filter(prefix=username[:PREFIX_LENGTH]).first()
    return bool(token and token.user.is_active and token.has_scope("sta:write"))


def subscription_allowed(topic: str) -> bool:
    from smartcity.sensors.sta.mqtt import prefix, register_select

    if not topic.startswith(prefix()):
        return True
    topic = topic[len(prefix()) :]
    if "?" not in topic or not topic.startswith(("v1.0/", "v1.1/")):
        return True  # plain topics and wildcards (the bridge's v1.1/#) are open
    return register_select(topic)
