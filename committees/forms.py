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


class SectorForm(forms.Form):
    name = forms.CharField(label=_("Sector"), max_length=60, help_text=_("e.g. 一片区 or 河东片区"))
    leader = forms.TypedChoiceField(
        label=_("Sector leader (红色片长)"), coerce=int, help_text=_("A party member living in the village.")
    )
    phone = forms.CharField(label=_("Public phone"), max_length=20)
    duties = forms.CharField(
        label=_("Duties"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. 宣传员、联络员、调解员、服务员、引导员"),
    )
    grids = forms.TypedMultipleChoiceField(
        label=_("Grids"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, members=(), grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [(m.person_id, m.person.name) for m in members]
        self.fields["grids"].choices = [(g.pk, g.name) for g in grids]
