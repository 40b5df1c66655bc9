from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import MultipleFileInput, MultipleFilesField
from honours.models import Subject


class NominateForm(forms.Form):
    """提名: the deeds (事迹), a few photos, and (a group leader) the group in whose name."""

    deeds = forms.CharField(
        label=_("Deeds (事迹)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What the person or household did, when and for whom. It is shown on the public board: "
            "no ID numbers or phone numbers."
        ),
    )
    photos = MultipleFilesField(
        label=_("Photos (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "multiple": True}),
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        if groups:
            self.fields["group"] = forms.ChoiceField(
                label=_("In the name of the village group (optional)"),
                required=False,
                choices=[("", "—"), *((g.pk, g.name) for g in groups)],
            )
            self.order_fields(["deeds", "group", "photos"])


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your objection"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is not true of the deeds, or why the honour is not deserved. Only the panel reads it."),
    )


class BoardForm(forms.Form):
    name = forms.CharField(label=_("Name of the board"), max_length=30)
    subject = forms.ChoiceField(label=_("Honours whom"), choices=Subject.choices, widget=forms.RadioSelect)
    description = forms.CharField(label=_("Who it honours"), max_length=200, required=False)
    places = forms.IntegerField(label=_("Places per village and quarter"), min_value=1, max_value=50)
    publicity_days = forms.IntegerField(label=_("Public notice (working days)"), min_value=1, max_value=30)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)
    active = forms.BooleanField(label=_("In use"), required=False)


class BoardAddForm(BoardForm):
    code = forms.SlugField(
        label=_("Code"), max_length=24, help_text=_("Letters, digits and hyphens, e.g. fire-safety.")
    )

    field_order = ["code", "name", "subject", "description", "places", "publicity_days", "order", "active"]
