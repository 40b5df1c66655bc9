"""The form of a new service request (the API takes the same fields; the service checks them again). The step
forms of a request's page come from the flow's declaration (doorstep.flows, casework.steps)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doorstep.models import Consent
from incidents.forms import MultipleFileInput


class DocumentsField(forms.FileField):
    """Photos or PDFs of one material from one <input type=file multiple>; the service checks their content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf", "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in (single(d, initial) for d in items if d) if f]


class RequestForm(forms.Form):
    """One request (or a bundle's requests) for a person already chosen: the materials checklist, each ticked when
    seen, with photos; the consent when someone acts for the villager."""

    consent = forms.ChoiceField(
        label=_("How the villager agreed that you act for them"),
        choices=[("", "—"), *Consent.choices],
        required=False,
    )
    purpose = forms.CharField(
        label=pgettext_lazy("certificate", "Purpose"), max_length=100, required=False, help_text=_("e.g. 子女入学")
    )
    details = forms.CharField(
        label=_("What is asked"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, checklist=(), on_behalf=False, purpose=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = list(checklist)
        if not on_behalf:
            del self.fields["consent"]
        if not purpose:
            del self.fields["purpose"]
        for i, name in enumerate(self.checklist):
            self.fields[f"m{i}"] = forms.BooleanField(label=name, required=False)
            self.fields[f"f{i}"] = DocumentsField(label=_("Photos or PDF"))

    def materials(self) -> dict:
        """The checklist as the service takes it: {"provided": [names], "files": {name: [uploads]}}."""
        data = self.cleaned_data
        return {
            "provided": [n for i, n in enumerate(self.checklist) if data.get(f"m{i}")],
            "files": {n: data.get(f"f{i}") or [] for i, n in enumerate(self.checklist) if data.get(f"f{i}")},
        }

    def plain(self):
        """The fields before the checklist (consent, purpose, details)."""
        return [self[name] for name in ("consent", "purpose", "details") if name in self.fields]

    def rows(self):
        """(checkbox, file input) per material, for the template."""
        return [(self[f"m{i}"], self[f"f{i}"]) for i in range(len(self.checklist))]
