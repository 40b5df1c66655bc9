from django import forms
from django.utils.translation import gettext_lazy as _

from committees.models import CommitteeKind, Post
from core.forms import DateInput


class CommitteeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Committee"), choices=CommitteeKind.choices)
    name = forms.CharField(label=_("Name (if it has its own)"), max_length=60, required=False)
    phone = forms.CharField(label=_("Public phone"), max_length=20, required=False)


class SeatForm(forms.Form):
    committee = forms.TypedChoiceField(label=_("Committee"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=50)
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices, initial=Post.MEMBER)
    username = forms.CharField(
        label=_("Account"),
        max_length=150,
        required=False,
        help_text=_("The member's user name, when the member takes steps on the platform."),
    )
    group = forms.TypedChoiceField(
        label=_("Village group led"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Only for a village group leader."),
    )
    started_on = forms.DateField(label=_("From"), required=False, widget=DateInput())

    def __init__(self, *args, committees=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].choices = [(c.pk, str(c)) for c in committees]
        self.fields["group"].choices = [("", "—")] + [(g.pk, g.name) for g in groups]
