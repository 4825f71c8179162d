"""Web forms; the checks themselves live in the services."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from smartcity.participation.models import IdeaStatus, NotificationPreference

TIME_TRAP_SALT = "participation.idea-form"
# Humans need longer than this to fill in the idea form; bots post at once.
MIN_FILL_SECONDS = 3
MAX_FILL_SECONDS = 24 * 3600


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Ihr Kommentar"), widget=forms.Textarea(attrs={"rows": 4}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    official = forms.BooleanField(label=_("als offizielle Antwort der Stadt"), required=False)


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Grund der Meldung"), max_length=500)


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=150)
    description = forms.CharField(
        label=_("Beschreibung"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    action_field = forms.ModelChoiceField(
        label=_("Handlungsfeld"), queryset=None, required=False, empty_label=_("– bitte wählen –")
    )
    longitude = forms.FloatField(label=_("Länge (optional)"), required=False)
    latitude = forms.FloatField(label=_("Breite (optional)"), required=False)
    image = forms.ImageField(label=_("Bild (optional, JPEG/PNG/WebP bis 8 MB)"), required=False)
    name = forms.CharField(label=_("Ihr Name (optional)"), max_length=120, required=False)
    email = forms.EmailField(
        label=_("E-Mail für Rückmeldungen"),
        help_text=_("Wird nie veröffentlicht. Sie erhalten einen Bestätigungslink."),
    )
    consent = forms.BooleanField(
        label=_("Ich habe den Datenschutzhinweis gelesen und stimme der Verarbeitung zu.")
    )
    # Honeypot: hidden from people by CSS, filled by bots.
    website = forms.CharField(
        label=_("Bitte leer lassen"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, city=None, **kwargs):
        super().__init__(*args, **kwargs)
        from smartcity.portfolio.models import ActionField

        self.fields["action_field"].queryset = (
            ActionField.objects.filter(strategy__cities=city).distinct()
            if city is not None
            else ActionField.objects.all()
        )
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt=TIME_TRAP_SALT)

    def is_spam(self) -> bool:
        if self.data.get("website"):
            return True
        try:
            started = float(signing.loads(self.data.get("started", ""), salt=TIME_TRAP_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            return True
        elapsed = time.time() - started
        return not MIN_FILL_SECONDS <= elapsed <= MAX_FILL_SECONDS


class IdeaDecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Neuer Status"), choices=IdeaStatus.choices)
    answer = forms.CharField(
        label=_("Öffentliche Antwort"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    project = forms.ModelChoiceField(label=_("Projekt"), queryset=None, required=False)
    merged_into = forms.IntegerField(label=_("Nummer der anderen Idee"), required=False)

    def __init__(self, *args, city=None, **kwargs):
        super().__init__(*args, **kwargs)
        from smartcity.portfolio.models import Project

        self.fields["project"].queryset = Project.objects.filter(cities=city)


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["on_reply", "on_official_answer", "on_moderation", "by_email"]
