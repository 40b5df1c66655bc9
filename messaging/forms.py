from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.models import SmsSettings


class ChoicesForm(forms.Form):
    """One box per message kind the person may choose for: ticked, it also comes by SMS."""

    def __init__(self, *args, choices: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for row in choices:
            self.fields[row["kind"]] = forms.BooleanField(label=row["label"], required=False, initial=row["sms"])


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SmsSettings
        fields = ["enabled", "monthly_budget", "quiet_from", "quiet_until"]
        widgets = {
            "quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {"quiet_from": _("From this time until the next, only sign-in codes are sent; the rest waits.")}
