from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from regions.models import GridKind, GridStaffRole


class GridForm(forms.Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=None)
    code = forms.CharField(label=_("Grid code"), max_length=40)
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Grid kind"), choices=GridKind.choices)
    complaint_phone = forms.CharField(label=_("Complaint phone"), max_length=32, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    polygon = forms.CharField(
        label=_("Boundary (GeoJSON polygon)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Paste a GeoJSON Polygon or Feature, longitude first. Base grids may not overlap."),
    )
    polygon_file = forms.FileField(label=_("or upload a .geojson file"), required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, villages, fixed_village=False, **kwargs):
        super().__init__(*args, **kwargs)
        searched(self.fields["village"], "village", villages)
        if fixed_village:
            self.fields["village"].disabled = True
        else:
            del self.fields["is_active"]

    def boundary(self):
        upload = self.cleaned_data.get("polygon_file")
        if upload:
            return upload.read().decode("utf-8", errors="replace")
        return self.cleaned_data.get("polygon") or None


class GridStaffForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    role = forms.ChoiceField(label=_("Grid role"), choices=GridStaffRole.choices)
    phone = forms.CharField(label=_("Public phone"), max_length=20, required=False)


class GridChoiceField(forms.ModelChoiceField):
    """Grids by name only: the long code does not fit a phone's select."""

    def label_from_instance(self, obj):
        return obj.name


def searched(field: forms.ModelChoiceField, kind: str, queryset, *, include: str = "") -> None:
    """Give ``field`` the actor's villages or grids (``kind``) as a choice searched as one types (a county has hundreds
    of villages and thousands of grids: core.forms.SearchedSelect, answered by regions:options)."""
    from django.urls import reverse

    from core.forms import SearchedSelect

    field.widget = SearchedSelect(options_url=reverse("regions:options", args=[kind]), include=include)
    field.queryset = queryset  # after the widget: the queryset hands the widget its choices
