"""Forms of the workbench: joining a class, pupil login, the data selection, classes, tasks."""

import math
from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartcity.schools import guidance
from smartcity.schools.models import Quantity, Room, SchoolClass, Task

EXPORT_LIMIT = 50_000  # rows per chart or download
RESOLUTIONS = [
    ("60", _("jede Minute")),
    ("600", _("alle 10 Minuten")),
    ("3600", _("jede Stunde")),
    ("86400", _("jeden Tag")),
]


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Klassencode"),
        max_length=12,
        help_text=_("Den Code bekommst du von deiner Lehrerin oder deinem Lehrer."),
    )
    nickname = forms.CharField(
        label=_("Spitzname"),
        max_length=30,
        min_length=2,
        help_text=_("Bitte nicht deinen echten Namen – ein Spitzname reicht."),
    )
    password = forms.CharField(
        label=_("Passwort"),
        min_length=6,
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Mindestens 6 Zeichen. Merk es dir gut!"),
    )


class NewPasswordForm(forms.Form):
    """A pupil's own password after a one-time password from the teacher."""

    password = forms.CharField(
        label=_("Neues Passwort"),
        min_length=6,
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Mindestens 6 Zeichen. Merk es dir gut!"),
    )
    repeat = forms.CharField(
        label=_("Neues Passwort wiederholen"),
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("repeat"):
            self.add_error("repeat", _("Die beiden Passwörter sind nicht gleich."))
        return data


class PupilLoginForm(forms.Form):
    code = forms.CharField(label=_("Klassencode"), max_length=12)
    nickname = forms.CharField(label=_("Spitzname"), max_length=30)
    password = forms.CharField(label=_("Passwort"), widget=forms.PasswordInput, max_length=100)


class SelectionForm(forms.Form):
    """Which rooms, which quantity (and a second one for the scatter), when, how fine."""

    rooms = forms.ModelMultipleChoiceField(
        label=_("Räume"),
        queryset=Room.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Räume: Wähle mindestens einen Raum aus."),
            "invalid_choice": _("Räume: Dieser Raum gehört nicht zu deiner Schule."),
            "invalid_pk_value": _("Räume: Dieser Raum gehört nicht zu deiner Schule."),
        },
    )
    quantity = forms.ChoiceField(label=_("Messgröße"), choices=Quantity.choices)
    second = forms.ChoiceField(
        label=_("Zweite Messgröße (für das Streudiagramm)"),
        choices=[("", _("keine"))] + list(Quantity.choices),
        required=False,
    )
    start = forms.DateField(
        label=_("von"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=pgettext_lazy("Zeitraum", "bis"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    resolution = forms.TypedChoiceField(
        label=_("Auflösung"), choices=RESOLUTIONS, coerce=int, initial="600"
    )
    limit = forms.FloatField(
        label=_("Grenzwert"),
        required=False,
        help_text=_("Leer lassen für den Richtwert (z. B. 1000 ppm bei CO₂)."),
    )

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        # Any room may be named, so that a room of another school gets a clear message.
        self.fields["rooms"].queryset = Room.objects.select_related("building__school")
        self.fields["rooms"].choices = [
            (room.pk, room.name)
            for room in Room.objects.filter(building__school=school).order_by("name")
        ]

    def clean_rooms(self):
        rooms = self.cleaned_data["rooms"]
        foreign = [room for room in rooms if room.building.school_id != self.school.pk]
        if foreign:
            raise forms.ValidationError(
                _("Räume: Raum „%(room)s“ gehört nicht zu deiner Schule."),
                params={"room": foreign[0].name},
            )
        return rooms

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error(
                "end",
                _("bis: Das Ende liegt vor dem Anfang. Wähle ein Datum ab dem %(start)s.")
                % {"start": start.strftime("%d.%m.%Y")},
            )
            return data
        rooms, resolution = data.get("rooms"), data.get("resolution")
        if start and end and rooms and resolution:
            rows = self.expected_rows()
            if rows > EXPORT_LIMIT:
                raise forms.ValidationError(
                    _(
                        "Die Auswahl hätte bis zu %(rows)s Zeilen, erlaubt sind %(limit)s. Wähle "
                        "weniger Räume, einen kürzeren Zeitraum oder eine gröbere Auflösung."
                    ),
                    params={"rows": f"{rows:,}".replace(",", "."), "limit": "50.000"},
                    code="too_large",
                )
        if data.get("limit") is None and data.get("quantity"):
            data["limit"] = guidance.DEFAULT_LIMITS[data["quantity"]]
        return data

    def expected_rows(self) -> int:
        data = self.cleaned_data
        days = (data["end"] - data["start"]).days + 1
        seconds = timedelta(days=days).total_seconds()
        return len(data["rooms"]) * math.ceil(seconds / data["resolution"])


class ClassForm(forms.ModelForm):
    class Meta:
        model = SchoolClass
        fields = ["name"]
        labels = {"name": _("Name der Klasse oder des Kurses")}


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["school_class", "title", "text"]
        labels = {"school_class": _("Klasse")}

    def __init__(self, *args, classes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Deine Antwort"), widget=forms.Textarea, max_length=2000)
