"""Forms of the small-power pages. They only translate HTTP input; the rules live in powers.services, powers.rules
and the flows (powers.flows)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput
from powers import rules
from powers.models import Applicant, AssetDeal, PowerClass, Template
from transparency.forms import FilesField


def _area(label, required=True, help_text=""):
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


def _line(label, required=True, max_length=100, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text)


def _files(label, required=False):
    return FilesField(label=label, required=required, help_text=_("PDF or photos, at most 10 MB each."))


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=DateInput())


def _count(label):
    return forms.IntegerField(label=label, min_value=0, max_value=100000)


def _meeting_fields(kinds) -> dict:
    if rules.meetings_selector() is not None:
        return {
            "motion": forms.CharField(
                label=_("Adopted motion"),
                required=False,
                help_text=_(
                    "The motion on this matter adopted at the meeting (meetings). Leave empty to take the latest."
                ),
            )
        }
    return {
        "body": forms.ChoiceField(label=_("Meeting"), choices=rules.body_choices(kinds)),
        "meeting_ref": _line(_("Meeting reference"), help_text=_("e.g. 安家村党群议事会 2026 年第 11 次会议")),
        "meeting_date": _date(_("Meeting date")),
        "members": _count(_("Members entitled to attend")),
        "present": _count(_("Present")),
        "votes_for": _count(_("Votes for")),
    }


STEP_FIELDS = {
    "ask_documents": lambda: {"documents": _area(_("Which documents are missing"))},
    "supply": lambda: {"attachments": _files(_("Documents"), required=True), "note": _area(_("Note"), required=False)},
    "survey": lambda: {
        "visited_on": _date(_("Visited on")),
        "findings": _area(_("Findings of the household survey")),
        "attachments": _files(_("Survey record or photos")),
    },
    "deliberate": lambda: _meeting_fields(("council", "representatives")),
    "resolve": lambda: _meeting_fields(("villagers", "representatives")),
    "group_meeting": lambda: _meeting_fields(("group",)),
    "publicize": lambda: {"publicity_until": _date(_("Posted until"))},
    "village_review": lambda: {
        "opinion": _area(_("Village review opinion")),
        "publicity_until": _date(_("Posted until")),
    },
    "submit_review": lambda: {"note": _area(_("Note"), required=False)},
    "township_approve": lambda: {"opinion": _area(_("Township review opinion"))},
    "township_opinions": lambda: {
        "agriculture_opinion": _area(_("Opinion of agriculture and rural affairs (农业农村)")),
        "resources_opinion": _area(_("Opinion of natural resources (自然资源)")),
    },
    "approve": lambda: {"decision_ref": _line(_("Approval document number"), max_length=60)},
    "county_approve": lambda: {
        "decision_ref": _line(_("Approval document number"), max_length=60),
        "outcome": _line(_("What was approved"), max_length=200, help_text=_("e.g. 纳入低保，每月 450 元")),
    },
    "trade": lambda: {
        "appraisal": _area(_("Appraisal")),
        "bidders": forms.IntegerField(label=_("Number of bidders"), min_value=1, max_value=1000),
        "winner": _line(_("Winning bidder")),
        "winning_price": forms.DecimalField(label=_("Winning price (yuan)"), min_value=0, decimal_places=2),
        "attachments": _files(_("Trading record")),
    },
    "sign": lambda: {
        "contract_ref": _line(_("Contract number"), max_length=60),
        "attachments": _files(_("Signed contract"), required=True),
    },
    "start_check": lambda: {"findings": _area(_("Findings on site")), "attachments": _files(_("Photos"))},
    "completion_check": lambda: {"findings": _area(_("Findings on acceptance")), "attachments": _files(_("Photos"))},
    "handle": lambda: {"outcome": _line(_("Outcome"), max_length=200), "attachments": _files(_("Documents"))},
    "publish_result": lambda: {},
}
for _name in ("township_return", "county_reject", "township_reject", "reject", "village_reject", "abandon", "withdraw"):
    STEP_FIELDS[_name] = lambda: {"reason": _area(_("Reason"))}


def step_form(name: str, data=None, files=None, prefix=None, initial=None) -> forms.Form:
    fields = STEP_FIELDS[name]()
    fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
    form_class = type(f"{name.title().replace('_', '')}Form", (forms.Form,), fields)
    return form_class(data=data, files=files, prefix=prefix, initial=initial)


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
