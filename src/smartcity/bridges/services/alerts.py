"""Alerts: raised de-duplicated per channel and kind, notified by e-mail and webhook, logged.

An open alert of the same channel and kind absorbs repeated detections (``repeats``); only a
new alert or a higher level notifies the department again: by e-mail to the bridge's alert
address and to the staff of its owner department, and by a signed webhook call. They are sent
by a background worker (``smartcity.bridges.jobs.notify``), queued when the transaction
commits.
"""

import hashlib
import hmac
import json
import time
import urllib.request

from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartcity.accounts.models import Membership
from smartcity.accounts.roles import Role
from smartcity.bridges.models import Alert, AlertLog, Level
from smartcity.bridges.services.series import moment
from smartcity.core.tasks import enqueue

WEBHOOK_TIMEOUT = 10
# Webhook calls are signed: HMAC-SHA256 with the bridge's key over "<timestamp>.<body>".
SIGNATURE_HEADER = "X-Smartcity-Signature"
TIMESTAMP_HEADER = "X-Smartcity-Timestamp"
# Receivers refuse calls whose timestamp is further than this from their clock (replays).
SIGNATURE_TOLERANCE_S = 300

# One whole subject per level, so that a translator sees the complete sentence.
SUBJECTS = {
    Level.NOTICE: gettext_lazy("Brückenmonitoring: Hinweis für %(bridge)s"),
    Level.WARNING: gettext_lazy("Brückenmonitoring: Warnung für %(bridge)s"),
    Level.ALARM: gettext_lazy("Brückenmonitoring: Alarm für %(bridge)s"),
}


def raise_alert(bridge, channel, kind: str, level: int, observed_at: float, message: str):
    """Open an alert or update the open one; returns (alert, notified?)."""
    when = moment(observed_at)
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .filter(bridge=bridge, channel=channel, kind=kind, resolved_at=None)
            .first()
        )
        if alert is None:
            alert = Alert.objects.create(
                bridge=bridge,
                channel=channel,
                kind=kind,
                level=level,
                message=message,
                observed_at=when,
            )
            AlertLog.objects.create(
                alert=alert, action=AlertLog.Action.RAISED, detail=message, observed_at=when
            )
            notify = True
        elif level > alert.level:
            alert.level, alert.message, alert.observed_at = level, message, when
            alert.updated_at = timezone.now()
            alert.acknowledged_at = alert.acknowledged_by = None
            alert.save()
            AlertLog.objects.create(
                alert=alert, action=AlertLog.Action.ESCALATED, detail=message, observed_at=when
            )
            notify = True
        else:
            Alert.objects.filter(pk=alert.pk).update(
                repeats=alert.repeats + 1, updated_at=timezone.now()
            )
            notify = False
        if notify and (bridge.alert_email or bridge.alert_webhook or department_recipients(bridge)):
            alert_id = alert.pk
            transaction.on_commit(lambda: enqueue("smartcity.bridges.jobs.notify", alert_id))
    return alert, notify


def resolve(bridge, channel, kind: str, at: float | None = None, user=None) -> int:
    """Close the open alert of this channel and kind (the condition is back to normal)."""
    closed = 0
    for alert in Alert.objects.filter(bridge=bridge, channel=channel, kind=kind, resolved_at=None):
        alert.resolved_at = moment(at) if at is not None else timezone.now()
        alert.save(update_fields=["resolved_at"])
        AlertLog.objects.create(
            alert=alert, action=AlertLog.Action.RESOLVED, user=user, observed_at=alert.resolved_at
        )
        closed += 1
    return closed


def acknowledge(alert: Alert, user) -> Alert:
    with transaction.atomic():
        if alert.acknowledged_at is None:
            alert.acknowledged_at = timezone.now()
            alert.acknowledged_by = user
            alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
            AlertLog.objects.create(alert=alert, action=AlertLog.Action.ACKNOWLEDGED, user=user)
    return alert


def payload(alert: Alert) -> dict:
    bridge = alert.bridge
    return {
        "alert": alert.pk,
        "bridge": {"name": bridge.name, "structureNumber": bridge.structure_number},
        "channel": alert.channel.code if alert.channel_id else None,
        "kind": alert.kind,
        "level": Level(alert.level).name.lower(),
        "message": alert.message,
        "observedAt": alert.observed_at.isoformat(),
    }


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the signature header: ``sha256=`` and the hex HMAC of
    ``<timestamp>.<body>``; the timestamp is signed too, so it cannot be replaced."""
    message = str(int(timestamp)).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    now: float | None = None,
    tolerance: float = SIGNATURE_TOLERANCE_S,
) -> bool:
    """What a receiver checks (reference implementation, see docs/bridges.md): the signature
    matches the raw body and timestamp, and the timestamp is recent."""
    try:
        moment = int(timestamp or "")
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - moment) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, moment, body), signature or "")


def department_recipients(bridge) -> list[str]:
    """E-mail addresses of the bridge's owner department: active users with the department role
    in the bridge's city whose role names that department (``Membership.organisation``, compared
    without regard to case and surrounding spaces)."""
    name = " ".join((bridge.owner_department or "").split()).casefold()
    if not name:
        return []
    staff = (
        Membership.objects.filter(
            city_id=bridge.city_id, role=Role.DEPARTMENT, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("organisation", "user__email")
    )
    found = {
        email for organisation, email in staff if " ".join(organisation.split()).casefold() == name
    }
    return sorted(found)


def recipients(bridge) -> list[str]:
    """The bridge's alert address and its department's staff, each once (ignoring case)."""
    addresses = ([bridge.alert_email] if bridge.alert_email else []) + department_recipients(bridge)
    unique = {}
    for address in addresses:
        unique.setdefault(address.strip().lower(), address.strip())
    return list(unique.values())


def send_notifications(alert: Alert) -> list[str]:
    """E-mail and webhook for one alert; each outcome is logged. Returns the channels used."""
    bridge = alert.bridge
    sent = []
    addresses = recipients(bridge)
    if addresses:
        subject = SUBJECTS.get(alert.level, SUBJECTS[Level.NOTICE]) % {"bridge": bridge.name}
        body = "\n".join(
            [
                alert.message,
                _("Zeitpunkt: %(time)s") % {"time": alert.observed_at.isoformat()},
                _("Bauwerksnummer: %(number)s") % {"number": bridge.structure_number},
            ]
        )
        # One message per address: staff do not see each other's addresses.
        messages = [(subject, body, None, [address]) for address in addresses]
        try:
            send_mass_mail(messages)
        except Exception as error:  # noqa: BLE001 - any mail failure is logged, not raised
            AlertLog.objects.create(
                alert=alert, action=AlertLog.Action.FAILED, detail=f"E-Mail: {error}"
            )
        else:
            AlertLog.objects.create(
                alert=alert, action=AlertLog.Action.EMAIL, detail=", ".join(addresses)
            )
            sent.append("email")
    if bridge.alert_webhook:
        if not bridge.alert_webhook_secret:
            bridge.save(update_fields=["alert_webhook_secret"])  # Bridge.save() makes one
        data = json.dumps(payload(alert)).encode()
        timestamp = int(time.time())
        request = urllib.request.Request(  # noqa: S310 - an https/http URL from the registry
            bridge.alert_webhook,
            data=data,
            headers={
                "Content-Type": "application/json",
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: sign(bridge.alert_webhook_secret, timestamp, data),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310
                status = response.status
        except Exception as error:  # noqa: BLE001
            AlertLog.objects.create(
                alert=alert, action=AlertLog.Action.FAILED, detail=f"Webhook: {error}"
            )
        else:
            AlertLog.objects.create(
                alert=alert, action=AlertLog.Action.WEBHOOK, detail=f"HTTP {status}"
            )
            sent.append("webhook")
    return sent
