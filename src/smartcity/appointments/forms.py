from django import forms
from django.utils.translation import gettext_lazy as _


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("Hierhin schicken wir die Bestätigung mit dem Buchungscode."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class BlockForm(forms.Form):
    start = forms.DateTimeField(label=_("Beginn"))
    blocked = forms.BooleanField(required=False)
