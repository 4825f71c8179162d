from django import forms
from django.utils.translation import gettext_lazy as _

from smartcity.core.models import AccessibilityFeedback


class AccessibilityFeedbackForm(forms.ModelForm):
    class Meta:
        model = AccessibilityFeedback
        fields = ["page_url", "message", "name", "email"]
        labels = {
            "page_url": _("Welche Seite betrifft es? (optional)"),
            "message": _("Ihre Nachricht"),
            "name": _("Ihr Name (optional)"),
            "email": _("Ihre E-Mail-Adresse für eine Antwort (optional)"),
        }
        help_texts = {
            "email": _("Wir nutzen sie nur, um Ihnen zu antworten, und löschen sie danach."),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
