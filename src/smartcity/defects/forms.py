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


MAX_BOXES = 5
BOX_FIELDS = (
    ("x", _("Links (%)"), 0),
    ("y", _("Oben (%)"), 0),
    ("width", _("Breite (%)"), 1),
    ("height", _("Höhe (%)"), 1),
)


class BlackOutForm(forms.Form):
    """Up to ``MAX_BOXES`` rectangles to black out in one pass (faces, number plates), each in
    percent of the photo's width and height: fields ``x_1``, ``y_1``, ``width_1``,
    ``height_1``, ``x_2`` … A rectangle left empty is skipped; at least one is needed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_BOXES + 1):
            for name, label, lowest in BOX_FIELDS:
                self.fields[f"{name}_{number}"] = forms.FloatField(
                    label=label, min_value=lowest, max_value=100, required=False
                )

    def rows(self) -> list[tuple[int, list]]:
        """The bound fields per rectangle, for the template."""
        return [
            (number, [self[f"{name}_{number}"] for name, _label, _lowest in BOX_FIELDS])
            for number in range(1, MAX_BOXES + 1)
        ]

    def clean(self):
        data = super().clean()
        self.boxes = []
        for number in range(1, MAX_BOXES + 1):
            names = [f"{name}_{number}" for name, _label, _lowest in BOX_FIELDS]
            if any(name in self.errors for name in names):
                continue  # the field's own message says what is wrong
            values = [data.get(name) for name in names]
            if all(value is None for value in values):
                continue
            if any(value is None for value in values):
                self.add_error(
                    None,
                    _("Rechteck %(number)d: Bitte alle vier Zahlen angeben.") % {"number": number},
                )
                continue
            x, y, width, height = values
            if x + width > 100 or y + height > 100:
                self.add_error(
                    None,
                    _("Rechteck %(number)d muss innerhalb des Fotos liegen.") % {"number": number},
                )
                continue
            self.boxes.append((x / 100, y / 100, width / 100, height / 100))
        if not self.boxes and not self.errors:
            raise forms.ValidationError(_("Bitte markieren Sie mindestens einen Bereich."))
        return data
