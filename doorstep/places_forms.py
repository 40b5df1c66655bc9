"""Forms of the service points and agents pages (the API takes the same fields; doorstep.places checks them again)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doorstep.models import AgentKind


def _region_label(region) -> str:
    return (
        f"{region.township.name} · {region.name}"
        if region.township_id and region.township_id != region.pk
        else region.name
    )


class PointForm(forms.Form):
    """A township's service centre (no village) or a village's service room."""

    township = forms.ChoiceField(label=_("Township"))
    village = forms.ChoiceField(
        label=_("Village"),
        required=False,
        help_text=_("Leave blank for the township's service centre; choose the village for its service room."),
    )
    name = forms.CharField(
        label=pgettext_lazy("service item", "Name"), max_length=80, help_text=_("e.g. 安家村便民服务室")
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    latitude = forms.CharField(
        label=_("Latitude"), max_length=20, required=False, help_text=_("Tap the map to place it.")
    )
    longitude = forms.CharField(label=_("Longitude"), max_length=20, required=False)
    hours = forms.CharField(
        label=_("Opening hours"), max_length=120, required=False, help_text=_("e.g. 周一至周五 8:30–12:00、14:00–17:30")
    )
    after_hours = forms.CharField(
        label=_("Outside office hours (8小时外)"),
        max_length=120,
        required=False,
        help_text=_("e.g. 预约上门, 值班电话"),
    )
    on_duty = forms.CharField(label=_("Who is on duty"), max_length=200, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=20, required=False)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, townships=(), villages=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [(t.pk, t.name) for t in townships]
        self.fields["village"].choices = [
            ("", _("— the township's centre —")),
            *((v.pk, _region_label(v)) for v in villages),
        ]
        _township_or_active(self, editing)


def _township_or_active(form, editing: bool) -> None:
    """A new row chooses its township (hidden when there is one); a row being changed keeps it and may be ended."""
    if editing:
        del form.fields["township"]
    else:
        del form.fields["active"]
        if len(form.fields["township"].choices) == 1:
            form.fields["township"].widget = forms.HiddenInput()
            form.fields["township"].initial = form.fields["township"].choices[0][0]


class AgentForm(forms.Form):
    """An agent post: an existing account, the kind, a phone, the villages of the township served."""

    township = forms.ChoiceField(label=_("Township"))
    username = forms.CharField(
        label=_("Account (user name)"),
        max_length=150,
        help_text=_("The agent's account on the platform: they see and take the requests of the villages they serve."),
    )
    name = forms.CharField(label=_("Name"), max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgentKind.choices)
    phone = forms.CharField(label=_("Telephone"), max_length=20, required=False)
    villages = forms.MultipleChoiceField(
        label=_("Villages served"), widget=forms.CheckboxSelectMultiple, required=False
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, townships=(), villages=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [(t.pk, t.name) for t in townships]
        self.fields["villages"].choices = [(v.pk, _region_label(v)) for v in villages]
        _township_or_active(self, editing)


class CircleForm(forms.Form):
    """The region and the minutes of the 15-minute circle page (a wrong value falls back to the default)."""

    region = forms.ChoiceField(label=_("Area"), required=False)
    minutes = forms.IntegerField(label=_("Minutes of walk"), min_value=1, max_value=60, required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.pk, _region_label(r)) for r in regions]
