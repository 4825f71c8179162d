"""The engineers' limit form: overrides of the statistical limits, the frequency limits."""

from django import forms
from django.utils.translation import gettext_lazy as _

from smartcity.bridges.analysis.config import check
from smartcity.bridges.models import Channel

FREQUENCY_FIELDS = ("frequency_notice_limit", "frequency_drop_limit", "frequency_alarm_limit")


class LimitForm(forms.ModelForm):
    class Meta:
        model = Channel
        fields = [
            "notice_limit",
            "warning_limit",
            "alarm_limit",
            "frequency_notice_limit",
            "frequency_drop_limit",
            "frequency_alarm_limit",
        ]
        labels = {
            "notice_limit": _("Hinweisgrenze"),
            "warning_limit": _("Warngrenze"),
            "alarm_limit": _("Alarmgrenze"),
            "frequency_notice_limit": _("Hinweisgrenze für den Frequenzabfall (%)"),
            "frequency_drop_limit": _("Warngrenze für den Frequenzabfall (%)"),
            "frequency_alarm_limit": _("Alarmgrenze für den Frequenzabfall (%)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_slow:
            for name in FREQUENCY_FIELDS:
                del self.fields[name]
        else:
            for name in ("notice_limit", "warning_limit", "alarm_limit"):
                del self.fields[name]
        for field in self.fields.values():
            field.widget.attrs["step"] = "any"

    def clean(self):
        data = super().clean()
        values = [data.get(name) for name in ("notice_limit", "warning_limit", "alarm_limit")]
        for name, value in zip(
            ("notice_limit", "warning_limit", "alarm_limit"), values, strict=True
        ):
            if value is not None and value <= 0:
                self.add_error(name, _("Die Grenze muss größer als 0 sein."))
        given = [value for value in values if value is not None]
        if given and any(value is None for value in values) and self.instance.is_slow:
            self.add_error(
                "notice_limit",
                _("Bitte alle drei Grenzen angeben oder alle leer lassen (statistische Grenzen)."),
            )
        elif len(given) == 3 and not values[0] < values[1] < values[2]:
            self.add_error(
                "warning_limit", _("Die Grenzen müssen steigen: Hinweis < Warnung < Alarm.")
            )
        if any(name in self.fields for name in FREQUENCY_FIELDS):
            errors = check(**{name: data.get(name) for name in FREQUENCY_FIELDS})
            for field, message in errors.items():
                if field in self.fields:
                    self.add_error(field, message)
        return data
