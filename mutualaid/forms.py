from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import MultipleFileInput, MultipleFilesField
from mutualaid.models import Reason, Source


class ContributionForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20)
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    donor = forms.CharField(label=_("From whom"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class BandForm(forms.Form):
    name = forms.CharField(label=_("Band"), max_length=40)
    up_to = forms.CharField(label=_("Up to (yuan)"), max_length=20)
    note = forms.CharField(label=_("Who decides, what it is for"), max_length=200, required=False)


class ApplicationForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    amount_asked = forms.CharField(label=_("Amount asked (yuan)"), max_length=20)
    situation = forms.CharField(
        label=_("The situation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened and what help is needed. It is not published."),
    )
    attachments = MultipleFilesField(
        label=_("Photos or PDF (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf", "multiple": True}),
    )
