"""The partner's project submission form and the editor's review form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from smartcity.accounts.roles import Role
from smartcity.core.models import City
from smartcity.portfolio import geo
from smartcity.portfolio.images import clean_image
from smartcity.portfolio.models import ActionField, Partner, Project, ProjectKind

SUBMITTER_ROLES = (Role.PARTNER, Role.EDITOR, Role.ADMIN)


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
    image = forms.ImageField(
        label=_("Bild"), required=False, help_text=_("JPEG, PNG oder WebP, höchstens 8 MB.")
    )
    image_alt_text = forms.CharField(
        label=_("Was ist auf dem Bild zu sehen?"), max_length=300, required=False
    )
    image_credit = forms.CharField(
        label=_("Bildnachweis und Lizenz"), max_length=200, required=False
    )

    class Meta:
        model = Project
        fields = [
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
        project = self.instance
        if project.pk:
            self.fields["city"].initial = project.cities.first()
            self.fields["action_fields"].initial = list(project.action_fields.all())
            self.fields["partners"].initial = [role.partner for role in project.partner_roles.all()]
            if project.location and project.location.get("type") == "Point":
                lon, lat = project.location["coordinates"]
                self.fields["latitude"].initial, self.fields["longitude"].initial = lat, lon

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        return clean_image(upload) if upload else None

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            self.add_error(
                "longitude" if lon is None else "latitude",
                _("Bitte Breiten- und Längengrad angeben."),
            )
        city = data.get("city")
        if city and lat is not None and lon is not None and not city.contains(lon, lat):
            self.add_error("latitude", _("Der Ort liegt nicht in der gewählten Stadt."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Das Ende liegt vor dem Beginn."))
        if data.get("image") and not data.get("image_alt_text"):
            self.add_error("image_alt_text", _("Bitte beschreiben Sie das Bild."))
        if data.get("image") and not data.get("image_credit"):
            self.add_error("image_credit", _("Bitte nennen Sie Urheber und Lizenz."))
        return data

    def location(self):
        lat, lon = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        return geo.point(lon, lat) if lat is not None and lon is not None else None


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
