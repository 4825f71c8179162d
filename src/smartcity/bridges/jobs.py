"""Background jobs: the periodic analysis and alert notifications."""

from smartcity.bridges.models import Alert


def analyse_all() -> int:
    from smartcity.bridges.services.analysis import analyse_all as run

    return run()


def notify(alert_id: int) -> list[str]:
    from smartcity.bridges.services.alerts import send_notifications

    alert = Alert.objects.select_related("bridge", "channel").filter(pk=alert_id).first()
    return send_notifications(alert) if alert else []
