import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import MultipleFileInput, MultipleFilesField
from core.forms import DateInput
from visits.models import FollowUp, How, Period


class VisitForm(forms.Form):
    """A visit at the door, on the phone: when, how, whom, what was found and what follows."""

    visited_on = forms.DateField(label=_("Visited on"), widget=DateInput())
    how = forms.ChoiceField(label=_("How"), choices=How.choices, initial=How.HOME, widget=forms.RadioSelect)
    person = forms.ChoiceField(label=_("Person visited"), required=False)
    found = forms.CharField(
        label=_("What was found"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Living conditions, health, safety, what the household asked for."),
    )
    follow_up = forms.ChoiceField(
        label=_("A problem to follow up?"), choices=FollowUp.choices, required=False, widget=forms.RadioSelect
    )
    photos = MultipleFilesField(
        label=_("Photos (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "multiple": True}),
    )
    # set anew by the page's script (static/js/offline.js): the same form sent twice is stored once
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, people=(), **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["visited_on"].initial = today
        self.fields["visited_on"].widget.attrs["max"] = today.isoformat()
        self.fields["person"].choices = [("", _("The household")), *((str(p.pk), p.name) for p in people)]


class FrequencyForm(forms.Form):
    tag = forms.ChoiceField(label=_("Tag"))
    period = forms.ChoiceField(label=_("How often"), choices=Period.choices, initial=Period.MONTH)
    since = forms.DateField(label=_("In force from"), required=False, widget=DateInput())
    active = forms.BooleanField(label=_("In force"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [(str(t.pk), t.name) for t in tags]


class LinkForm(forms.Form):
    reference = forms.CharField(
        label=_("Number of the case opened"), max_length=60, help_text=_("e.g. the incident's or dispute's number")
    )
