"""Forms of the meeting pages. They only shape input; every rule is checked by meetings.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meetings.models import Body, Choice, ConvenedBy, MeetingKind, RegisterBasis, ReservedMatter, VoteMethod


class MeetingForm(forms.Form):
    village = forms.ModelChoiceField(queryset=None, label=_("Village"), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    place = forms.CharField(label=_("Place"), max_length=100)
    basis = forms.ChoiceField(
        label=pgettext_lazy("meeting", "Register"),
        choices=[("", _("As the kind of meeting requires"))] + list(RegisterBasis.choices),
        required=False,
        help_text=_("A villagers' assembly or group meeting may count the adults or the households (Art. 22, 28)."),
    )
    group = forms.ModelChoiceField(
        queryset=None,
        label=_("Village group"),
        required=False,
        empty_label=_("— not a village group meeting —"),
        help_text=_("Only for a village group meeting."),
    )
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    convened_by = forms.ChoiceField(label=_("Called"), choices=ConvenedBy.choices, required=False)
    proposers = forms.IntegerField(
        label=_("Number of proposers"),
        required=False,
        min_value=1,
        help_text=_("When villagers or representatives proposed the meeting (Art. 21, 26)."),
    )

    def __init__(self, *args, villages=None, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["group"].queryset = groups


class MotionForm(forms.Form):
    title = forms.CharField(label=_("Motion"), max_length=150)
    text = forms.CharField(
        label=pgettext_lazy("meeting", "Text"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reserved_matter = forms.ChoiceField(
        label=_("Reserved matter (Art. 24/27)"),
        choices=[("", _("None"))] + list(ReservedMatter.choices),
        required=False,
    )
    # A motion's subject (e.g. a deliberation topic) is set by the module that puts its matter on the agenda
    # (deliberation's topic page, the API), never typed by hand on this page.


class OpenVotingForm(forms.Form):
    method = forms.ChoiceField(label=_("How votes are taken"), choices=VoteMethod.choices)


class TotalsForm(forms.Form):
    votes_for = forms.IntegerField(label=pgettext_lazy("vote", "For"), min_value=0)
    votes_against = forms.IntegerField(label=pgettext_lazy("vote", "Against"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0)


class DelegationForm(forms.Form):
    matter = forms.ChoiceField(
        label=_("Matter delegated"),
        choices=[(v, label) for v, label in ReservedMatter.choices if v != ReservedMatter.VILLAGE_RULES],
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))


class RosterForm(forms.Form):
    body = forms.ChoiceField(label=_("Roster"), choices=Body.choices)
    person = forms.ModelChoiceField(queryset=None, label=_("Resident"))
    post = forms.CharField(label=_("Post"), max_length=50, required=False)
    households = forms.IntegerField(
        label=_("Households represented"), required=False, min_value=1, help_text=_("For a representative: 5 to 15.")
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class PolicyForm(forms.Form):
    def __init__(self, *args, current=None, **kwargs):
        from meetings import rules

        super().__init__(*args, **kwargs)
        for kind, label in MeetingKind.choices:
            minimum = rules.STATUTORY_NOTICE_DAYS.get(kind, 0)
            self.fields[kind] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                initial=(current or {}).get(kind),
                help_text=_("Default %(d)s days; at least %(m)s.")
                % {"d": rules.DEFAULT_NOTICE_DAYS[kind], "m": minimum},
            )


CHOICES = Choice.choices


# Writes that cannot be undone ask first (as a declared step's ``confirm`` does): the page's form carries
# ``data-confirm`` with the text and a ``<prefix>-confirm`` box that static/js/steps.js ticks after the dialog.
def close_confirm_text(*, present: int, recorded: int) -> str:
    """What ending a roll-call vote will do, with the numbers of the moment: how many signed-in attendees have no
    recorded vote, and that they count as present and not in favour (rules.decide)."""
    unrecorded = max(present - recorded, 0)
    if unrecorded:
        return _(
            "Voting on this motion ends for good and cannot be changed. %(n)s of the %(present)s signed-in "
            "attendees have no recorded vote: they will count as present and not in favour."
        ) % {"n": unrecorded, "present": present}
    return _(
        "Voting on this motion ends for good: all %(present)s signed-in attendees have a recorded vote; the outcome "
        "is decided from them and cannot be changed."
    ) % {"present": present}
