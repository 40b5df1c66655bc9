"""Form pieces shared by every domain."""

from django import forms
from django.utils.translation import gettext as _


class DateInput(forms.DateInput):
    """An HTML5 date picker; its value must be ISO (YYYY-MM-DD) or browsers show it empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def confirm_refusal(what) -> dict:
    """The per-field message of a write taken without its confirmation (page and API)."""
    return {"confirm": _("Confirm before you go on: %(what)s") % {"what": what}}


class ConfirmForm(forms.Form):
    """The confirmation box of a write that cannot be undone; ``confirmed()`` puts the refusal on the box."""

    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, what, **kwargs):
        super().__init__(*args, **kwargs)
        self.what = what
        self.fields["confirm"].label = _("I understand: %(what)s") % {"what": what}

    def confirmed(self) -> bool:
        if self.is_valid() and self.cleaned_data["confirm"]:
            return True
        self.add_error("confirm", confirm_refusal(self.what)["confirm"])
        return False
