"""Forms of the catalogue pages: they only carry HTTP input; the rules (time limits, materials, codes, dates) are
checked by doorstep.catalogue, which the API calls too."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput
from doorstep.models import Category, Level


class ItemForm(forms.Form):
    """An item of the catalogue: on creation with its code, admission date and certificate; on a change only what
    a version holds (the change becomes a new version)."""

    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Unique in the county: lowercase letters, digits, - and _.")
    )
    name = forms.CharField(label=pgettext_lazy("service item", "Name"), max_length=80)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    materials = forms.CharField(
        label=_("Materials required"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line, e.g. 居民身份证. A material named twice is asked for once."),
    )
    time_limit_days = forms.CharField(
        label=_("Time limit (working days)"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("From 1 to 365 working days."),
    )
    place = forms.CharField(label=_("Where it is done"), max_length=120, required=False)
    agent_may = forms.BooleanField(label=_("A village agent may take it (代办)"), required=False, initial=True)
    online = forms.BooleanField(label=_("Can be applied for on the phone (掌上办)"), required=False, initial=True)
    fee = forms.CharField(label=_("Fee"), max_length=80, required=False, help_text=_("Blank means free of charge."))
    legal_basis = forms.CharField(
        label=_("Legal basis"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    upstream_office = forms.CharField(
        label=_("Office it goes to upstream"), max_length=80, required=False, help_text=_("e.g. 县人社局, 县民政局")
    )
    notes = forms.CharField(
        label=_("Notes for applicants"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    admitted_on = forms.DateField(label=_("Admitted on"), required=False, widget=DateInput())
    certificate = forms.ChoiceField(
        label=_("Village certificate it issues"),
        required=False,
        help_text=_("Only for an item of the village certificates category."),
    )

    def __init__(self, *args, kinds=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate"].choices = [("", "—"), *((k.pk, k.name) for k in kinds)]
        if editing:
            for name in ("code", "admitted_on", "certificate"):
                del self.fields[name]


class RetireForm(forms.Form):
    retired_on = forms.DateField(
        label=_("Retired from"),
        required=False,
        widget=DateInput(),
        help_text=_("Blank: today. From that day no new request names it; requests made keep it."),
    )


class ReadmitForm(forms.Form):
    admitted_on = forms.DateField(label=_("Admitted again from"), required=False, widget=DateInput())


class BundleForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("A bundle with this code is changed; a new code adds one.")
    )
    name = forms.CharField(
        label=pgettext_lazy("service item", "Name"), max_length=80, help_text=_("e.g. 新生儿出生一件事")
    )
    description = forms.CharField(
        label=_("Description"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    items = forms.MultipleChoiceField(label=_("Items it opens at once"), widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(i.pk, i.current.name) for i in items]


class CertificateKindForm(forms.Form):
    code = forms.ChoiceField(label=_("Certificate"))
    name = forms.CharField(label=pgettext_lazy("service item", "Name"), max_length=60)
    basis = forms.CharField(
        label=_("Legal basis"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    admitted_on = forms.DateField(label=_("On the list from"), required=False, widget=DateInput())
    retired_on = forms.DateField(
        label=_("Taken off the list from"),
        required=False,
        widget=DateInput(),
        help_text=_("From that day a village no longer issues it."),
    )

    def __init__(self, *args, codes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(c, f"{name}（{c}）") for c, name in (codes or {}).items()]
