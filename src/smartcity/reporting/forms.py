"""The entry form of a project for one period, with its budget lines and milestones."""

import re

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from smartcity.reporting.models import BudgetLine, MilestoneStatus, ProjectEntry


class EntryForm(forms.ModelForm):
    approve = forms.BooleanField(
        label=_("Eintrag freigeben (erscheint im Bericht)"), required=False
    )

    class Meta:
        model = ProjectEntry
        fields = ["progress", "traffic_light", "traffic_light_reason", "narrative", "new_measures"]
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 5}),
            "new_measures": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, may_approve=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_approve:
            del self.fields["approve"]


AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


class EuroField(forms.DecimalField):
    """An amount as people in Germany write it ("12.500,50", "12500", "12500.5")."""

    default_error_messages = {
        "invalid": _(
            "Betrag als Zahl mit höchstens zwei Nachkommastellen angeben, z. B. 12.500,50."
        )
    }

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, min_value=0, **kwargs)

    def to_python(self, value):
        text = str(value or "").replace("€", "").replace(" ", "").strip()
        if not text:
            return super().to_python(text)
        if "," in text:
            text = text.replace(".", "").replace(",", ".", 1)
        elif THOUSANDS.match(text):
            text = text.replace(".", "")
        if not AMOUNT.match(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text)


class BudgetLineForm(forms.ModelForm):
    planned_eur = EuroField(label=_("geplant (Euro)"))
    spent_eur = EuroField(label=_("ausgegeben (Euro)"))

    class Meta:
        model = BudgetLine
        fields = ["funding_source", "planned_eur", "spent_eur"]


class MilestoneStatusForm(forms.ModelForm):
    class Meta:
        model = MilestoneStatus
        fields = ["title", "planned_date", "actual_date"]
        widgets = {
            "planned_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "actual_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, project_start=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project_start = project_start

    def clean_actual_date(self):
        actual = self.cleaned_data.get("actual_date")
        if actual and self.project_start and actual < self.project_start:
            raise forms.ValidationError(
                _("Das Datum liegt vor dem Projektbeginn (%(start)s).")
                % {"start": self.project_start.strftime("%d.%m.%Y")}
            )
        return actual


BudgetFormSet = inlineformset_factory(
    ProjectEntry, BudgetLine, form=BudgetLineForm, extra=1, can_delete=True
)
MilestoneFormSet = inlineformset_factory(
    ProjectEntry, MilestoneStatus, form=MilestoneStatusForm, extra=1, can_delete=True
)
