"""Forms of the incident loop's pages (the report and the list's filters). They only translate HTTP input; the
rules live in incidents.services. The step forms of the case page come from the flow's declaration
(incidents.flows, casework.steps)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.attachments import MAX_PHOTOS
from core.api_types import MAX_ID
from core.forms import DateInput
from incidents.flows import INCIDENT
from incidents.models import Severity


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS photos from one <input type=file multiple>; the service checks that they are images."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True}),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        files = [f for f in files if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)s photos can be attached.") % {"n": MAX_PHOTOS})
        return files


def matter_choices(matters) -> list:
    """The catalogue grouped by GridMatter.group for an <optgroup> select; the county's 其他/不清楚 matter first,
    outside the groups, so a reporter who does not know the kind finds it at once."""
    groups: dict[str, list] = {}
    unsorted = []
    for matter in matters:
        if matter.unsorted:
            unsorted.append((matter.pk, _("%(name)s (the village sorts it)") % {"name": matter.name}))
        else:
            groups.setdefault(matter.group, []).append((matter.pk, matter.name))
    return [("", "—"), *unsorted] + sorted(groups.items())


class ReportForm(forms.Form):
    """前端发现报告 from a phone."""

    matter = forms.IntegerField(
        label=_("What kind of matter"),
        min_value=1,
        max_value=MAX_ID,
        error_messages={"required": _("Choose what kind of matter it is.")},
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What happened"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Describe what happened.")},
    )
    address = forms.CharField(label=_("Place"), max_length=200, required=False)
    photos = PhotosField(label=_("Photos"), help_text=_("Up to 9 photos."))
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lng = forms.CharField(required=False, widget=forms.HiddenInput)
    grid = forms.IntegerField(label=_("Grid"), required=False, min_value=1, max_value=MAX_ID)
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    household = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    # 即报即办 (grid workers): settled on the spot, closed at once
    on_the_spot = forms.BooleanField(label=_("I settled it on the spot (即报即办)"), required=False)
    settled = forms.CharField(
        label=_("What was done"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    settled_photos = PhotosField(label=_("Photos of the result"), help_text=_("Optional; up to 9 photos."))

    def __init__(self, *args, matters, grids, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["matter"].widget = forms.Select(choices=matter_choices(matters))
        self.grids = {g.pk: g for g in grids}
        self.fields["grid"].widget = forms.Select(
            choices=[("", _("— found from the location —"))]
            + [
                (g.pk, g.name if g.name.startswith(g.village.name) else f"{g.village.name} {g.name}")
                for g in self.grids.values()
            ]
        )
        self.fields["grid"].help_text = _("Choose the grid when you cannot give the location.")

    def clean(self):
        data = super().clean()
        if data.get("on_the_spot") and not (data.get("settled") or "").strip():
            self.add_error("settled", _("Say what was done on the spot."))
        if not data.get("on_the_spot"):
            data["settled"], data["settled_photos"] = "", []
        return data

    def clean_grid(self):
        pk = self.cleaned_data.get("grid")
        if pk is None:
            return None
        grid = self.grids.get(pk)
        if grid is None:
            raise forms.ValidationError(_("Choose one of your grids."))
        return grid


class ListFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    matter = forms.IntegerField(label=_("Matter"), required=False, min_value=1, max_value=MAX_ID)
    village = forms.IntegerField(label=_("Village"), required=False, min_value=1, max_value=MAX_ID)
    overdue = forms.BooleanField(label=_("Was overdue"), required=False)
    start = forms.DateField(label=_("Reported from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Reported until"), required=False, widget=DateInput())
    text = forms.CharField(label=_("Text"), required=False, max_length=100)

    def __init__(self, *args, matters, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Any state"))] + [(s.name, s.label) for s in INCIDENT.states.values()]
        self.fields["matter"].widget = forms.Select(choices=[("", _("Any matter"))] + matter_choices(matters)[1:])
        self.fields["village"].widget = forms.Select(
            choices=[("", _("All villages"))] + [(v.pk, v.name) for v in villages]
        )
