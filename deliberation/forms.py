"""Forms of the deliberation pages. They only shape input; every rule is checked again by deliberation.services. The
steps' forms come from their declaration (deliberation/flows.py, casework.steps.form_for)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.models import Origin, Procedure


class ProposeForm(forms.Form):
    village = forms.TypedChoiceField(label=_("Village"), coerce=int)
    entry = forms.TypedChoiceField(label=_("Kind of matter (议事协商清单)"), coerce=int)
    origin = forms.ChoiceField(
        label=_("Proposed by"),
        choices=[(Origin.BRANCH, Origin.BRANCH.label), (Origin.COMMITTEES, Origin.COMMITTEES.label)],
        required=False,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    text = forms.CharField(
        label=_("What is proposed and why"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, villages, entries, cadre: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.pk, v.name) for v in villages]
        if len(villages) == 1:
            self.fields["village"].widget = forms.HiddenInput()
            self.fields["village"].initial = villages[0].pk
        self.fields["entry"].choices = [
            (e.pk, f"{e.name} · {Procedure(e.procedure).label}")
            for e in entries
            if e.reserved_matter != "village_rules"
        ]
        if not cadre:
            del self.fields["origin"]
        else:
            self.fields["origin"].required = True
            self.fields["origin"].initial = Origin.BRANCH


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PollForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=200)
    options = forms.CharField(
        label=_("Answers, one a line"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="同意\n不同意\n有其他意见",
    )
    closes_at = forms.DateField(label=_("Closes on (20:00)"), widget=forms.DateInput(attrs={"type": "date"}))


class AgendaForm(forms.Form):
    meeting = forms.TypedChoiceField(label=_("Meeting"), coerce=int)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = meetings
        self.fields["meeting"].choices = [
            (m.pk, f"{m.title} · {m.get_kind_display()} · {m.starts_at:%Y-%m-%d}") for m in meetings
        ]

    def clean_meeting(self):
        """The chosen meeting itself (one of those offered)."""
        return next(m for m in self.meetings if m.pk == self.cleaned_data["meeting"])


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=150)
    owner_name = forms.CharField(
        label=_("Owner"), max_length=50, help_text=_("Who answers for it, e.g. 村委会主任 or a group leader.")
    )
    owner = forms.TypedChoiceField(label=_("Owner's account (may record progress)"), coerce=int, required=False)
    due_date = forms.DateField(label=_("Due by"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + [(u.pk, str(u)) for u in owners]


class RulesForm(forms.Form):
    village = forms.TypedChoiceField(label=_("Village"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=100, initial="村规民约")
    text = forms.CharField(
        label=_("Clauses, one a line"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "No fines or other coercive penalties (不得滥用强制处罚): the township refuses a clause that imposes them."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.pk, v.name) for v in villages]
        if len(villages) == 1:
            self.fields["village"].widget = forms.HiddenInput()
            self.fields["village"].initial = villages[0].pk


class PaperSignatureForm(forms.Form):
    household = forms.TypedChoiceField(label=_("Household"), coerce=int)
    signer_name = forms.CharField(label=_("Signed by"), max_length=50)
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [(h.pk, f"{h.number} {h.head_name}") for h in households]


class SettingsForm(forms.Form):
    co_sign_min = forms.IntegerField(
        label=_("Co-signing households needed for a joint proposal"), min_value=2, max_value=200
    )


class EntryForm(forms.Form):
    name = forms.CharField(label=_("Kind of matter"), max_length=100)
    procedure = forms.ChoiceField(label=pgettext_lazy("deliberation", "Procedure"), choices=Procedure.choices)
    reserved_matter = forms.ChoiceField(label=_("Reserved matter (Art. 24/27)"), required=False)
    needs_party_masses = forms.BooleanField(label=_("Must pass the party-masses council (党群议事会)"), required=False)

    def __init__(self, *args, reserved_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reserved_matter"].choices = [("", "—"), *reserved_choices]


# Signing the village rules for a household cannot be undone: it asks first (as a declared step's ``confirm`` does).
# The page's form carries ``data-confirm`` with this text and a ``<prefix>-confirm`` box that static/js/steps.js
# ticks after the dialog (without a script the person ticks it).
SIGN_CONFIRM = _("Your household's consent to the village rules is recorded for good and cannot be withdrawn.")
PAPER_CONFIRM = _("The household's paper signature is recorded for good and cannot be withdrawn.")
