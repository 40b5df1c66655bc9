"""Forms of the small-power pages. They only translate HTTP input; the rules live in powers.services, powers.rules
and the flows (powers.flows)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput
from powers.models import Applicant, AssetDeal, PowerClass, Template
from transparency.forms import FilesField


class ApplyForm(forms.Form):
    household = forms.ChoiceField(label=_("Household"), required=False)
    village = forms.ChoiceField(label=_("Village"), required=False)
    title = forms.CharField(label=pgettext_lazy("small-power matter", "Subject"), required=False, max_length=100)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    household_size = forms.IntegerField(label=_("People in the household"), required=False, min_value=1, max_value=30)
    monthly_income = forms.DecimalField(
        label=_("Household income per month (yuan)"), required=False, min_value=0, decimal_places=2
    )
    area = forms.DecimalField(label=_("Area applied for (m²)"), required=False, min_value=0, decimal_places=2)
    asset_deal = forms.ChoiceField(label=_("Kind of disposal"), required=False, choices=[("", "—"), *AssetDeal.choices])
    reserve_price = forms.DecimalField(
        label=_("Appraised or reserve price (yuan)"), required=False, min_value=0, decimal_places=2
    )
    meeting_ref = forms.CharField(label=_("Two committees' meeting (两委商议)"), required=False, max_length=100)
    meeting_date = forms.DateField(label=_("Meeting date"), required=False, widget=DateInput())
    attachments = FilesField(label=_("Documents"), help_text=_("PDF or photos, at most 10 MB each."))

    def clean_household(self):
        """One household to choose from (a villager's own): it is the one, even when the hidden field is not sent."""
        value = self.cleaned_data.get("household")
        choices = self.fields["household"].choices if "household" in self.fields else []
        return value or (choices[0][0] if len(choices) == 1 else value)

    def clean_village(self):
        value = self.cleaned_data.get("village")
        choices = self.fields["village"].choices if "village" in self.fields else []
        return value or (choices[0][0] if len(choices) == 1 else value)

    def __init__(self, *args, power, households=(), villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        template = power.template
        keep = {"reason", "attachments"}
        if power.for_households:
            keep.add("household")
            self.fields["household"].choices = [(str(h.pk), f"{h.head_name or '—'} · {h.number}") for h in households]
            self.fields["household"].required = True
            if len(self.fields["household"].choices) == 1:
                self.fields["household"].widget = forms.HiddenInput()
                self.fields["household"].required = False
                self.initial.setdefault("household", self.fields["household"].choices[0][0])
        else:
            keep |= {"village", "title"}
            self.fields["village"].choices = [(str(v.pk), v.name) for v in villages]
            self.fields["village"].required = True
            if len(self.fields["village"].choices) == 1:
                self.fields["village"].widget = forms.HiddenInput()
                self.fields["village"].required = False
                self.initial.setdefault("village", self.fields["village"].choices[0][0])
        if template == Template.DIBAO:
            keep |= {"household_size", "monthly_income"}
            self.fields["household_size"].required = True
            self.fields["monthly_income"].required = True
        if template == Template.HOMESTEAD:
            keep.add("area")
            self.fields["area"].required = True
        if template == Template.ASSET:
            keep |= {"asset_deal", "reserve_price", "meeting_ref", "meeting_date"}
            self.fields["title"].label = _("Asset")
            for name in ("asset_deal", "reserve_price", "meeting_ref", "meeting_date", "title"):
                self.fields[name].required = True
        if power.document_list:
            self.fields["attachments"].help_text = _("Required: %(list)s. PDF or photos, at most 10 MB each.") % {
                "list": "、".join(power.document_list)
            }
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


class PowerForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("small-power list", "Name"), max_length=60)
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Lower-case letters, digits and hyphens."))
    power_class = forms.ChoiceField(label=_("Class"), choices=PowerClass.choices)
    template = forms.ChoiceField(label=_("Procedure"), choices=Template.choices)
    applicant = forms.ChoiceField(label=_("Who applies"), choices=Applicant.choices)
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    documents = forms.CharField(
        label=_("Documents required"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("One document a line."),
    )
    procedure = forms.CharField(
        label=_("Procedure in words"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    supervision = forms.CharField(
        label=_("How it is supervised"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    step_days = forms.IntegerField(label=_("Working days for each village step"), min_value=1, max_value=60)
    review_days = forms.IntegerField(label=_("Working days for the township's review"), min_value=1, max_value=60)
    publicity_days = forms.IntegerField(label=_("Days of public posting (公示)"), min_value=0, max_value=60)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("Your objection"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
