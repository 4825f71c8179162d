"""The partner's project submission form and the editor's review form."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from smartcity.accounts.roles import Role
from smartcity.core.models import City
from smartcity.portfolio import geo
from smartcity.portfolio.images import clean_image
from smartcity.portfolio.models import ActionField, Partner, Project, ProjectImage, ProjectKind

SUBMITTER_ROLES = (Role.PARTNER, Role.EDITOR, Role.ADMIN)
MAX_IMAGES = 5
IMAGE_PARTS = ("image", "alt_text", "credit", "licence")
LOCATION_KINDS = [
    ("point", _("An einem Punkt")),
    ("line", _("Entlang einer Linie (zum Beispiel eine Straße oder Strecke)")),
    ("area", _("In einer Fläche (zum Beispiel ein Quartier)")),
    ("citywide", _("Stadtweit, ohne Ort auf der Karte")),
]
PROJECT_FIELDS = [
    "title",
    "summary",
    "description",
    "kind",
    "status",
    "start_date",
    "end_date",
    "contact_name",
    "contact_email",
]
# The form's own fields follow the model's, in this order on the page.
MAIN_FIELDS = (*PROJECT_FIELDS, "city", "action_fields", "partners")


def submit_cities(user):
    if user.is_superuser:
        return City.objects.all()
    return City.objects.filter(
        memberships__user=user, memberships__role__in=SUBMITTER_ROLES
    ).distinct()


class SubmissionForm(forms.ModelForm):
    city = forms.ModelChoiceField(label=_("Stadt"), queryset=City.objects.none())
    action_fields = forms.ModelMultipleChoiceField(
        label=_("Handlungsfelder"),
        queryset=ActionField.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Beteiligte Partner"),
        queryset=Partner.objects.all(),
        required=False,
        help_text=_("Mehrfachauswahl mit Strg- bzw. Cmd-Taste."),
    )
    location_kind = forms.ChoiceField(
        label=_("Wo wirkt das Projekt?"),
        choices=LOCATION_KINDS,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Ohne Auswahl ergibt sich die Art aus den ausgefüllten Feldern."),
    )
    latitude = forms.FloatField(
        label=_("Breitengrad"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Auf der Karte wählen oder eintragen; leer bei stadtweiten Projekten."),
    )
    longitude = forms.FloatField(
        label=_("Längengrad"), required=False, min_value=-180, max_value=180
    )
    geometry = forms.CharField(
        label=_("Linie oder Fläche: Punkte"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_(
            "Auf der Karte zeichnen oder je Zeile einen Punkt als „Breitengrad, Längengrad“"
            " eintragen, zum Beispiel „51.5136, 7.4653“; eine Fläche wird automatisch"
            " geschlossen. GeoJSON wird ebenfalls angenommen."
        ),
    )
    remove_images = forms.ModelMultipleChoiceField(
        label=_("Vorhandene Bilder entfernen"),
        queryset=ProjectImage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = submit_cities(user)
        self.fields["kind"].choices = [
            (ProjectKind.PARTNER_PILOT, ProjectKind.PARTNER_PILOT.label),
            (ProjectKind.RESEARCH, ProjectKind.RESEARCH.label),
            (ProjectKind.CITY, ProjectKind.CITY.label),
        ]
        self.fields["kind"].initial = ProjectKind.PARTNER_PILOT
        self._add_image_fields()
        project = self.instance
        if project.pk:
            self.fields["city"].initial = project.cities.first()
            self.fields["action_fields"].initial = list(project.action_fields.all())
            self.fields["partners"].initial = [role.partner for role in project.partner_roles.all()]
            kind = geo.kind_of(project.location)
            if kind != "citywide" or project.city_wide:
                self.fields["location_kind"].initial = kind
            if kind == "point":
                lon, lat = project.location["coordinates"][:2]
                self.fields["latitude"].initial, self.fields["longitude"].initial = lat, lon
            elif kind != "citywide":
                self.fields["geometry"].initial = geo.location_text(project.location)
            self.fields["remove_images"].queryset = project.images.all()
        else:
            del self.fields["remove_images"]

    def image_slot_names(self, number: int) -> dict[str, str]:
        base = "image" if number == 1 else f"image_{number}"
        return {part: base if part == "image" else f"{base}_{part}" for part in IMAGE_PARTS}

    def _add_image_fields(self):
        for number in range(1, MAX_IMAGES + 1):
            names = self.image_slot_names(number)
            self.fields[names["image"]] = forms.ImageField(
                label=_("Bild %(number)d") % {"number": number},
                required=False,
                help_text=_("JPEG, PNG oder WebP, höchstens 8 MB."),
            )
            self.fields[names["alt_text"]] = forms.CharField(
                label=_("Was ist auf Bild %(number)d zu sehen?") % {"number": number},
                max_length=300,
                required=False,
            )
            self.fields[names["credit"]] = forms.CharField(
                label=_("Bildnachweis zu Bild %(number)d (Urheber)") % {"number": number},
                max_length=200,
                required=False,
            )
            self.fields[names["licence"]] = forms.CharField(
                label=_("Lizenz von Bild %(number)d") % {"number": number},
                max_length=100,
                required=False,
                help_text=_("Zum Beispiel „CC BY 4.0“ oder „alle Rechte beim Partner“."),
            )

    @property
    def main_fields(self):
        return [self[name] for name in MAIN_FIELDS]

    @property
    def location_fields(self):
        return {name: self[name] for name in ("location_kind", "latitude", "longitude", "geometry")}

    @property
    def image_slots(self):
        return [
            {
                "number": number,
                "fields": [self[name] for name in self.image_slot_names(number).values()],
            }
            for number in range(1, MAX_IMAGES + 1)
        ]

    def _guess_kind(self, lat, lon, text):
        if lat is not None or lon is not None or {"latitude", "longitude"} & set(self.errors):
            return "point"
        if not text:
            return "citywide"
        if text.startswith("{"):
            try:
                geojson = json.loads(text)
            except ValueError:
                return "area"  # parsing again names the error
            if isinstance(geojson, dict) and geojson.get("type") == "Feature":
                geojson = geojson.get("geometry")
            kind = geo.kind_of(geojson if isinstance(geojson, dict) else None)
            return "area" if kind == "citywide" else kind
        return None

    def _clean_location(self, data):
        self.cleaned_kind = None
        kind = data.get("location_kind")
        lat, lon = data.get("latitude"), data.get("longitude")
        text = (data.get("geometry") or "").strip()
        if not kind:  # without a choice (older clients, no JavaScript): what was filled in
            kind = self._guess_kind(lat, lon, text)
            if kind is None:
                self.add_error(
                    "location_kind",
                    _("Bitte wählen Sie, ob die Punkte eine Linie oder eine Fläche bilden."),
                )
                return None
        self.cleaned_kind = kind
        if kind == "citywide":
            if lat is not None or lon is not None or text:
                self.add_error(
                    "location_kind",
                    _(
                        "Sie haben „stadtweit“ gewählt und trotzdem einen Ort angegeben. Bitte"
                        " wählen Sie Punkt, Linie oder Fläche, oder leeren Sie die Ortsfelder."
                    ),
                )
            return None
        if kind == "point":
            if {"latitude", "longitude"} & set(self.errors):
                return None
            if lat is None or lon is None:
                self.add_error(
                    "longitude" if lat is not None else "latitude",
                    _("Bitte Breiten- und Längengrad angeben."),
                )
                return None
            return geo.point(lon, lat)
        if not text:
            self.add_error(
                "geometry",
                _("Bitte zeichnen Sie die Linie auf der Karte oder tragen Sie ihre Punkte ein.")
                if kind == "line"
                else _(
                    "Bitte zeichnen Sie die Fläche auf der Karte oder tragen Sie ihre Punkte ein."
                ),
            )
            return None
        try:
            return geo.parse_location_text(text, kind)
        except ValidationError as error:
            self.add_error("geometry", error)
            return None

    def _clean_images(self, data):
        kept = 0
        if self.instance.pk:
            removed = {image.pk for image in data.get("remove_images") or []}
            kept = sum(1 for image in self.instance.images.all() if image.pk not in removed)
        self.new_images = []
        for number in range(1, MAX_IMAGES + 1):
            names = self.image_slot_names(number)
            upload = data.get(names["image"])
            if not upload:
                for part in ("alt_text", "credit", "licence"):
                    if data.get(names[part]) and names["image"] not in self.errors:
                        self.add_error(
                            names["image"], _("Bitte wählen Sie die Bilddatei zu diesen Angaben.")
                        )
                        break
                continue
            try:
                upload = clean_image(upload)
            except ValidationError as error:
                self.add_error(names["image"], error)
                continue
            problems = False
            if not data.get(names["alt_text"]):
                self.add_error(names["alt_text"], _("Bitte beschreiben Sie das Bild."))
                problems = True
            if not data.get(names["credit"]):
                self.add_error(names["credit"], _("Bitte nennen Sie Urheber und Lizenz."))
                problems = True
            if kept + len(self.new_images) >= MAX_IMAGES:
                self.add_error(
                    names["image"],
                    _(
                        "Ein Projekt hat höchstens %(max)d Bilder. Entfernen Sie zuerst ein"
                        " vorhandenes Bild."
                    )
                    % {"max": MAX_IMAGES},
                )
                problems = True
            if not problems:
                self.new_images.append(
                    {
                        "image": upload,
                        "alt_text": data[names["alt_text"]],
                        "credit": data[names["credit"]],
                        "licence": data.get(names["licence"], ""),
                    }
                )

    def clean(self):
        data = super().clean()
        self._location = self._clean_location(data)
        city = data.get("city")
        anchor = geo.anchor(self._location)
        if city and anchor and not city.contains(*anchor):
            field = "latitude" if self.cleaned_kind == "point" else "geometry"
            self.add_error(field, _("Der Ort liegt nicht in der gewählten Stadt."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Das Ende liegt vor dem Beginn."))
        self._clean_images(data)
        return data

    def location(self):
        return self._location


class ReviewForm(forms.Form):
    DECISIONS = [
        ("accept", _("Annehmen und veröffentlichen")),
        ("changes", _("Änderungen erbitten")),
        ("decline", _("Ablehnen")),
    ]
    decision = forms.ChoiceField(
        label=_("Entscheidung"), choices=DECISIONS, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Nachricht an die Einreichenden"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pflicht beim Ablehnen und beim Erbitten von Änderungen."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("changes", "decline") and not data.get("note", "").strip():
            self.add_error("note", _("Bitte begründen Sie Ihre Entscheidung."))
        return data
