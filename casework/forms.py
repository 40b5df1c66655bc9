"""Forms only translate HTTP input; the rules live in casework.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput


class DaysForm(forms.Form):
    """Several days at once (国庆 1–7 October) or one day (a click on the calendar)."""

    first = forms.DateField(label=_("First day"), widget=DateInput())
    last = forms.DateField(label=_("Last day"), widget=DateInput(), required=False, help_text=_("Empty for one day."))
    is_working = forms.TypedChoiceField(
        label=_("These days are"),
        choices=[("0", _("days off (holiday)")), ("1", _("working days (make-up working day)"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=100,
        required=False,
        help_text=_("e.g. National Day, or the number of the State Council's notice"),
    )


class ResetForm(forms.Form):
    day = forms.DateField()
