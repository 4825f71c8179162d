from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from smartcity.opendata import services, vocab
from smartcity.opendata.models import Dataset, Group, Organization


class DatasetForm(forms.ModelForm):
    tags_text = forms.CharField(
        label=_("Schlagwörter"),
        required=False,
        help_text=_("Durch Kommas getrennt, z. B. „Bäume, Umwelt“."),
    )
    url = forms.URLField(label=_("Website / Dokumentation"), required=False, assume_scheme="https")
    documentation = forms.URLField(
        label=_("Weitere Dokumentation"), required=False, assume_scheme="https"
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Kategorien (EU-Datenthemen)"),
        queryset=Group.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Dataset
        fields = [
            "title",
            "name",
            "notes",
            "organization",
            "groups",
            "license_id",
            "contact_name",
            "contact_email",
            "city",
            "political_geocoding_level",
            "municipality_key",
            "temporal_start",
            "temporal_end",
            "frequency",
            "language",
            "url",
            "documentation",
            "version",
            "issued",
            "modified",
            "state",
            "private",
        ]
        widgets = {
            "temporal_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "temporal_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "issued": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "modified": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        services.ensure_groups()
        organizations = Organization.objects.all()
        if user is not None and not user.is_superuser:
            allowed = [org.pk for org in organizations if user.has_perm("opendata.edit", org)]
            organizations = organizations.filter(pk__in=allowed)
        self.fields["organization"].queryset = organizations
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(
                tag.name for tag in self.instance.tags.all()
            )
            self.fields["groups"].initial = list(self.instance.groups.all())

    def clean_tags_text(self):
        names = [name.strip() for name in self.cleaned_data["tags_text"].split(",")]
        try:
            return services.clean_tags(names)
        except ValidationError as error:
            raise ValidationError(error.message_dict["tags"]) from None

    def save(self, commit=True):
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "groups"}
        dataset = self.instance if self.instance.pk else None
        return services.save_dataset(
            fields,
            dataset=dataset,
            tags=self.cleaned_data["tags_text"],
            groups=list(self.cleaned_data["groups"]),
        )


class DistributionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    upload = forms.FileField(label=_("Datei hochladen"), required=False)
    url = forms.URLField(
        label=_("oder Link"), required=False, max_length=1000, assume_scheme="https"
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("aus der Datei erkennen"))] + vocab.file_type_choices(),
    )
    license_id = forms.ChoiceField(
        label=_("Lizenz"),
        required=False,
        choices=[("", _("wie der Datensatz"))] + vocab.licence_choices(),
    )

    def clean(self):
        data = super().clean()
        if not data.get("upload") and not data.get("url"):
            raise ValidationError(_("Bitte eine Datei hochladen oder einen Link angeben."))
        if data.get("url") and not data.get("upload") and not data.get("format"):
            self.add_error("format", _("Für einen Link bitte das Format wählen."))
        return data
