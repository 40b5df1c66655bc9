"""Forms only translate HTTP input into service arguments; rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput
from regions.forms import GridChoiceField, searched
from registry.models import Gender, OrganizationKind, Relation


class HouseholdSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, household number, ID number or phone"),
        required=False,
        max_length=50,
        help_text=_("Or the last 4 digits of a phone, the last 4 or 6 of an ID number."),
    )
    address = forms.CharField(label=_("Address contains"), required=False, max_length=100)
    village = forms.ModelChoiceField(label=_("Village"), queryset=None, required=False, empty_label=_("All"))
    grid = GridChoiceField(label=_("Grid"), queryset=None, required=False, empty_label=_("All"))
    tag = forms.ChoiceField(label=_("Tag"), required=False)

    def __init__(self, *args, villages, grids, tags, **kwargs):
        super().__init__(*args, **kwargs)
        # a county has hundreds of villages and thousands of grids: searched as one types, never listed in full
        searched(self.fields["village"], "village", villages)
        searched(self.fields["grid"], "grid", grids, include="[name='village']")
        self.fields["tag"].choices = [("", _("All"))] + [(t.code, t.name) for t in tags]


class HouseholdForm(forms.Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=None)
    number = forms.CharField(label=_("Household number"), max_length=32)
    grid = GridChoiceField(label=_("Grid"), queryset=None, required=False)
    group = forms.ModelChoiceField(label=_("Village group"), queryset=None, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False)
    longitude = forms.FloatField(label=_("Longitude"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, villages, grids, groups, fixed_village=False, **kwargs):
        super().__init__(*args, **kwargs)
        searched(self.fields["village"], "village", villages)
        searched(self.fields["grid"], "grid", grids, include="[name='village']")
        self.fields["group"].queryset = groups
        if fixed_village:
            self.fields["village"].disabled = True


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    relation = forms.ChoiceField(label=_("Relation to head"), choices=[("", "—")] + list(Relation.choices))
    id_number = forms.CharField(
        label=_("ID number"), max_length=18, required=False, help_text=_("Gender and birth date are read from it.")
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—")] + list(Gender.choices), required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    is_deceased = forms.BooleanField(label=_("Deceased"), required=False)

    def __init__(self, *args, tags, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = tags
        if editing:
            self.fields["id_number"].help_text = _("Leave empty to keep the stored ID number.")
            self.fields["phone"].help_text = _("Leave empty to keep the stored phone number.")
        else:
            del self.fields["is_deceased"]


class OrganizationForm(forms.Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=None)
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationKind.choices)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    grid = GridChoiceField(label=_("Grid"), queryset=None, required=False)

    def __init__(self, *args, villages, grids, fixed_village=False, **kwargs):
        super().__init__(*args, **kwargs)
        searched(self.fields["village"], "village", villages)
        searched(self.fields["grid"], "grid", grids, include="[name='village']")
        if fixed_village:
            self.fields["village"].disabled = True


class PartyBranchForm(forms.Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=None)
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=100)
    secretary = forms.ModelChoiceField(label=_("Secretary"), queryset=None, required=False)

    def __init__(self, *args, villages, members, fixed_village=False, **kwargs):
        super().__init__(*args, **kwargs)
        searched(self.fields["village"], "village", villages)
        self.fields["secretary"].queryset = members
        if fixed_village:
            self.fields["village"].disabled = True


class PartyMemberForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Resident"), queryset=None)
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DateInput())
    linked_households = forms.ModelMultipleChoiceField(
        label=_("Linked households"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("A party member is usually linked to about 15 households."),
    )

    def __init__(self, *args, people, households, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["linked_households"].queryset = households
        if editing:
            del self.fields["person"]
