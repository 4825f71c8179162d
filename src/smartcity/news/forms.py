from django import forms
from django.utils.translation import gettext_lazy as _

from smartcity.news.models import Event


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(
        label=_("E-Mail-Adresse"), help_text=_("Hierhin schicken wir die Bestätigung.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class TagChoiceMixin:
    """The tag filter offers the tags in use, by name, instead of a free-text slug."""

    def set_tag_choices(self, tags):
        self.fields["tag"] = forms.ChoiceField(
            label=_("Schlagwort"),
            required=False,
            choices=[("", _("alle"))] + [(tag.slug, tag.name) for tag in tags],
        )


class PostFilterForm(TagChoiceMixin, forms.Form):
    q = forms.CharField(label=_("Suche"), required=False, max_length=100)
    tag = forms.SlugField(label=_("Schlagwort"), required=False)


class EventFilterForm(TagChoiceMixin, forms.Form):
    PERIODS = [("kommend", _("kommende")), ("vergangen", _("vergangene"))]
    q = forms.CharField(label=_("Suche"), required=False, max_length=100)
    tag = forms.SlugField(label=_("Schlagwort"), required=False)
    kategorie = forms.ChoiceField(
        label=_("Kategorie"),
        required=False,
        choices=[("", _("alle"))] + [(c.value, c.label) for c in Event.Category],
    )
    zeitraum = forms.ChoiceField(label=_("Zeitraum"), required=False, choices=PERIODS)
