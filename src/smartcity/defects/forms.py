from django import forms
from django.utils.translation import gettext_lazy as _

from smartcity.defects import photos as photo_intake
from smartcity.defects.models import MAX_DESCRIPTION, Department, Report, Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def grouped_choices(categories):
    groups: dict[str, list] = {}
    for category in categories:
        groups.setdefault(category.group, []).append((category.code, category.name))
    return [("", _("Bitte wählen …")), *groups.items()]


def attribute_field(attribute) -> forms.Field:
    """A form field for one extra question of a category."""
    common = {
        "label": attribute.description,
        "required": False,  # required-ness depends on the chosen category: the service checks
        "help_text": attribute.datatype_description,
    }
    choices = [(str(value.get("key")), str(value.get("name"))) for value in attribute.values]
    if attribute.datatype == "singlevaluelist":
        return forms.ChoiceField(choices=[("", _("Bitte wählen …")), *choices], **common)
    if attribute.datatype == "multivaluelist":
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if attribute.datatype == "number":
        return forms.FloatField(**common)
    if attribute.datatype == "text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, **common)
    return forms.CharField(max_length=300, **common)


# Service errors use the Open311 field names; the form shows them at its own fields.
SERVICE_FIELDS = {"service_code": "category", "location": "latitude", "photos": "photos"}


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("Was möchten Sie melden?"))
    address = forms.CharField(
        label=_("Adresse suchen"),
        required=False,
        max_length=300,
        help_text=_("Straße und Hausnummer; oder tippen Sie auf die Karte."),
    )
    latitude = forms.FloatField(
        label=_("Breitengrad"), help_text=_("Wird durch Karte, Standort oder Adresse gefüllt.")
    )
    longitude = forms.FloatField(label=_("Längengrad"))
    description = forms.CharField(
        label=_("Beschreibung"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_DESCRIPTION,
        help_text=_("Was ist kaputt, wo genau? Bitte keine Namen oder Kennzeichen."),
    )
    photos = MultipleFileField(
        label=_("Fotos (bis zu 3)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Höchstens 10 MB je Foto. Ortsangaben und andere Metadaten entfernen wir."),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse (freiwillig)"),
        required=False,
        help_text=_("Nur für Nachrichten zum Stand Ihrer Meldung; nie öffentlich."),
    )
    consent = forms.BooleanField(
        label=_("Ich habe die Datenschutzhinweise gelesen und bin einverstanden."),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = grouped_choices(categories)
        # The categories' extra questions (Open311 attributes); the service checks them for
        # the chosen category, the script shows only that category's questions.
        self.attribute_names: list[tuple[str, str, str]] = []
        for category in categories:
            for attribute in category.attributes.all():
                if attribute.variable:
                    name = f"attr_{category.code}__{attribute.code}"
                    self.fields[name] = attribute_field(attribute)
                    self.attribute_names.append((category.code, attribute.code, name))
        self.fields["latitude"].widget.attrs.update({"step": "any", "inputmode": "decimal"})
        self.fields["longitude"].widget.attrs.update({"step": "any", "inputmode": "decimal"})
        self.fields["address"].widget.attrs.update(
            {
                "autocomplete": "off",
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": "address-suggestions",
            }
        )

    def attribute_fields(self):
        return [(category, self[name]) for category, _code, name in self.attribute_names]

    def attributes_for(self, category_code: str) -> dict:
        return {
            code: self.cleaned_data.get(name)
            for category, code, name in self.attribute_names
            if category == category_code and self.cleaned_data.get(name) not in (None, "", [])
        }

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        if len(files) > photo_intake.MAX_PHOTOS:
            raise forms.ValidationError(_("Höchstens %d Fotos.") % photo_intake.MAX_PHOTOS)
        return files

    def add_service_errors(self, errors: dict[str, list[str]], category_code: str = "") -> None:
        for field, messages in errors.items():
            target = SERVICE_FIELDS.get(field, field)
            if field.startswith("attribute[") and field.endswith("]"):
                target = f"attr_{category_code}__{field[len('attribute[') : -1]}"
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    public_note = forms.CharField(
        label=_("Öffentlicher Hinweis"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Erscheint auf der Seite der Meldung und in der E-Mail an die meldende Person."
        ),
    )
    internal_note = forms.CharField(
        label=_("Interner Vermerk"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nur für die Verwaltung sichtbar."),
    )
    expected_at = forms.DateField(
        label=_("Voraussichtlich erledigt am"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    department = forms.ModelChoiceField(
        label=_("Zuständiger Fachbereich"),
        queryset=None,
        help_text=_("Zum Weiterleiten an einen anderen Fachbereich oder eine externe Stelle."),
    )
    assignee = forms.ModelChoiceField(label=_("Bearbeitet von"), queryset=None, required=False)
    duplicate_of = forms.IntegerField(
        label=_("Duplikat von Meldung Nr."),
        required=False,
        min_value=1,
        help_text=_("Nur beim Status „Doppelte Meldung“: die Meldung, die bestehen bleibt."),
    )

    def __init__(self, *args, staff=None, city=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.city = city
        self.fields["assignee"].queryset = staff
        self.fields["department"].queryset = Department.objects.filter(city=city)

    def clean_duplicate_of(self):
        number = self.cleaned_data.get("duplicate_of")
        if not number:
            return None
        original = Report.objects.filter(pk=number, city=self.city).first()
        if original is None:
            raise forms.ValidationError(_("Diese Meldung gibt es in dieser Stadt nicht."))
        return original


class QueueFilterForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Fachbereich"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("alle offenen")), ("all", _("alle")), *Status.choices],
    )
    category = forms.ChoiceField(label=_("Kategorie"), required=False)
    mine = forms.BooleanField(label=_("Nur mir zugewiesene"), required=False)

    def __init__(self, *args, departments=None, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["category"].choices = [("", _("alle"))] + [
            (category.code, category.name) for category in categories
        ]


class BlackOutForm(forms.Form):
    """One rectangle to black out, in percent of the photo's width and height."""

    x = forms.FloatField(label=_("Links (%)"), min_value=0, max_value=100)
    y = forms.FloatField(label=_("Oben (%)"), min_value=0, max_value=100)
    width = forms.FloatField(label=_("Breite (%)"), min_value=1, max_value=100)
    height = forms.FloatField(label=_("Höhe (%)"), min_value=1, max_value=100)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data["x"] + data["width"] > 100 or data["y"] + data["height"] > 100:
            raise forms.ValidationError(_("Der Bereich muss innerhalb des Fotos liegen."))
        return data

    def box(self) -> tuple[float, float, float, float]:
        data = self.cleaned_data
        return (data["x"] / 100, data["y"] / 100, data["width"] / 100, data["height"] / 100)
