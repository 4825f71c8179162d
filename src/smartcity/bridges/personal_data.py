"""What the bridges capability keeps about a platform user: which alerts they acknowledged
and which limits they changed (the engineers' log). On deletion the entries stay, without
the person."""

from smartcity.bridges.models import Alert, AlertLog
from smartcity.core.registries import PersonalData, personal_data


def export(user) -> dict:
    return {
        "acknowledged_alerts": [
            {"bridge": alert.bridge.name, "at": alert.acknowledged_at.isoformat()}
            for alert in Alert.objects.filter(acknowledged_by=user).select_related("bridge")
        ],
        "log_entries": [
            {"action": entry.action, "at": entry.at.isoformat(), "detail": entry.detail}
            for entry in AlertLog.objects.filter(user=user)
        ],
    }


def erase(user) -> None:
    Alert.objects.filter(acknowledged_by=user).update(acknowledged_by=None)
    AlertLog.objects.filter(user=user).update(user=None)


def register() -> None:
    personal_data.register("bridges", PersonalData("bridges", export, erase))
