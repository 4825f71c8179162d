"""Platform-API extras of the sensor hub: the MQTT broker's auth callbacks (see mqtt_auth)."""

from django.http import HttpResponse
from ninja import Router, Schema

from smartcity.sensors import mqtt_auth

router = Router(tags=["sensors"])


class MqttUser(Schema):
    username: str = ""
    password: str = ""
    clientid: str = ""


class MqttAcl(Schema):
    username: str = ""
    topic: str = ""
    clientid: str = ""
    acc: int = 1


def _verdict(allowed: bool) -> HttpResponse:
    return HttpResponse(status=200 if allowed else 403)


@router.post("/sensors/mqtt/user", auth=None, include_in_schema=False)
def mqtt_user(request, payload: MqttUser):
    return _verdict(mqtt_auth.user_allowed(payload.username, payload.password))


@router.post("/sensors/mqtt/acl", auth=None, include_in_schema=False)
def mqtt_acl(request, payload: MqttAcl):
    return _verdict(mqtt_auth.acl_allowed(payload.username, payload.topic, payload.acc))


@router.post("/sensors/mqtt/superuser", auth=None, include_in_schema=False)
def mqtt_superuser(request):
    return _verdict(False)
