"""Checks of analysis settings: impossible values get a message naming the field."""

from django.utils.translation import gettext as _

DETAIL_CATEGORIES = (36, 40, 45, 50, 56, 63, 71, 80, 90, 100, 112, 125, 140, 160)


class ConfigError(ValueError):
    """Bad analysis settings: ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def check(
    *,
    kind: str | None = None,
    sampling_rate_hz: float | None = None,
    window_s: float | None = None,
    detail_category: int | None = None,
    data_seconds: float | None = None,
    expected_interval_s: float | None = None,
    frequency_drop_limit: float | None = None,
    frequency_notice_limit: float | None = None,
    frequency_alarm_limit: float | None = None,
    modulus_gpa: float | None = None,
    gamma_mf: float | None = None,
) -> dict[str, str]:
    """The problems of one set of analysis settings (empty when all is well)."""
    errors: dict[str, str] = {}
    dynamic = kind in ("acceleration", "strain")
    if sampling_rate_hz is not None and sampling_rate_hz <= 0:
        errors["sampling_rate_hz"] = _("Die Abtastrate muss größer als 0 Hz sein.")
    elif sampling_rate_hz is not None and sampling_rate_hz > 10000:
        errors["sampling_rate_hz"] = _("Die Abtastrate darf höchstens 10 000 Hz betragen.")
    elif dynamic and sampling_rate_hz is None:
        errors["sampling_rate_hz"] = _(
            "Beschleunigungs- und Dehnungskanäle brauchen eine Abtastrate."
        )
    if window_s is not None and window_s <= 0:
        errors["window_s"] = _("Das Analysefenster muss länger als 0 Sekunden sein.")
    elif window_s is not None and data_seconds is not None and window_s > data_seconds:
        errors["window_s"] = _(
            "Das Analysefenster (%(window)s s) ist länger als die vorhandenen Daten (%(data)s s)."
        ) % {"window": f"{window_s:g}", "data": f"{data_seconds:g}"}
    elif (
        kind == "acceleration"
        and window_s is not None
        and sampling_rate_hz
        and sampling_rate_hz > 0
        and window_s * sampling_rate_hz < 256
    ):
        errors["window_s"] = _(
            "Das Analysefenster muss mindestens 256 Abtastwerte umfassen, damit ein Spektrum "
            "berechnet werden kann."
        )
    if detail_category is not None and detail_category not in DETAIL_CATEGORIES:
        errors["detail_category"] = _(
            "Unbekannter Kerbfall %(value)s; zulässig nach EN 1993-1-9: %(allowed)s."
        ) % {"value": detail_category, "allowed": ", ".join(map(str, DETAIL_CATEGORIES))}
    elif kind == "strain" and detail_category is None:
        errors["detail_category"] = _("Dehnungskanäle brauchen einen Kerbfall für die Ermüdung.")
    if expected_interval_s is not None and expected_interval_s <= 0:
        errors["expected_interval_s"] = _(
            "Der erwartete Abstand der Messwerte muss größer als 0 sein."
        )
    frequency = {
        "frequency_notice_limit": frequency_notice_limit,
        "frequency_drop_limit": frequency_drop_limit,
        "frequency_alarm_limit": frequency_alarm_limit,
    }
    for name, value in frequency.items():
        if value is not None and not 0 < value < 50:
            errors[name] = _(
                # xgettext:no-python-format
                "Die Grenze für den Frequenzabfall muss zwischen 0 und 50 % liegen."
            )
    given = [value for value in frequency.values() if value is not None]
    if (
        not any(name in errors for name in frequency)
        and len(given) == 3
        and not given[0] < given[1] < given[2]
    ):
        errors["frequency_drop_limit"] = _(
            "Die Grenzen für den Frequenzabfall müssen steigen: Hinweis < Warnung < Alarm."
        )
    if modulus_gpa is not None and not 1 <= modulus_gpa <= 1000:
        errors["modulus_gpa"] = _("Der Elastizitätsmodul muss zwischen 1 und 1000 GPa liegen.")
    if gamma_mf is not None and not 1.0 <= gamma_mf <= 2.0:
        errors["gamma_mf"] = _("γ_Mf muss zwischen 1,0 und 2,0 liegen.")
    return errors


def require(**settings) -> None:
    errors = check(**settings)
    if errors:
        raise ConfigError(errors)


def check_channel_config(channel) -> dict[str, str]:
    return check(
        kind=channel.kind,
        sampling_rate_hz=channel.sampling_rate_hz,
        window_s=channel.window_s,
        detail_category=channel.detail_category,
        expected_interval_s=channel.expected_interval_s,
        frequency_drop_limit=channel.frequency_drop_limit,
        frequency_notice_limit=channel.frequency_notice_limit,
        frequency_alarm_limit=channel.frequency_alarm_limit,
        modulus_gpa=channel.modulus_gpa,
        gamma_mf=channel.gamma_mf,
    )
