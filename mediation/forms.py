"""Forms of the mediation pages (the API takes the same fields; the services check them again)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput
from mediation.models import BodyKind, Difficulty, DisputeKind, PartyRole, Source, Title, kind_choices

PARTY_ROWS = 4


class DisputeForm(forms.Form):
    """Recording a dispute (排查, 来访, a referral) or a villager's own application (``own=True``: fewer fields)."""

    village = forms.ChoiceField(label=_("Village"))
    title = forms.CharField(label=_("Title"), max_length=100, help_text=_("e.g. 张家与李家宅基地界址纠纷"))
    kind = forms.ChoiceField(label=_("Type of dispute"), choices=[("", "—"), *DisputeKind.choices])
    facts = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    claims = forms.CharField(
        label=_("What the parties ask for"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    amount = forms.DecimalField(
        label=_("Amount in dispute (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    source = forms.ChoiceField(label=_("Source"), choices=[c for c in Source.choices if c[0] != Source.INCIDENT])
    referral_body = forms.CharField(
        label=_("Referring body"), max_length=80, required=False, help_text=_("For a referral: e.g. 米易县人民法院")
    )
    referral_number = forms.CharField(label=_("Referring body's reference number"), max_length=60, required=False)
    received_on = forms.DateField(label=_("Received on"), required=False, widget=DateInput())
    body = forms.ChoiceField(label=_("Mediation body"), required=False)
    preferred = forms.ChoiceField(
        label=_("Mediator the parties chose"), required=False, help_text=_("The parties may choose from the pool.")
    )

    def __init__(self, *args, villages=(), bodies=(), mediators=(), own=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.own = own
        self.fields["village"].choices = [(v.pk, v.name) for v in villages]
        if villages:  # the national types and those the village's county added
            self.fields["kind"].choices = [("", "—"), *kind_choices(villages[0].county_id)]
        self.fields["body"].choices = [("", _("The village's committee")), *((b.pk, b.name) for b in bodies)]
        self.fields["preferred"].choices = [
            ("", _("No preference")),
            *((m.pk, f"{m.name} · {m.body.name}") for m in mediators),
        ]
        for i in range(PARTY_ROWS):
            self.fields[f"party_{i}_role"] = forms.ChoiceField(
                label=_("Role"),
                choices=[("", "—"), *PartyRole.choices],
                required=False,  # the service says which party is missing, in one message
                initial=PartyRole.APPLICANT if i == 0 else PartyRole.RESPONDENT if i == 1 else "",
            )
            self.fields[f"party_{i}_name"] = forms.CharField(label=_("Name"), max_length=50, required=False)
            self.fields[f"party_{i}_phone"] = forms.CharField(label=_("Phone"), max_length=20, required=False)
        if own:
            for name in ("source", "referral_body", "referral_number", "received_on"):
                del self.fields[name]
        if len(self.fields["village"].choices) == 1:
            self.fields["village"].widget = forms.HiddenInput()
            self.fields["village"].initial = self.fields["village"].choices[0][0]

    def main_fields(self):
        return [f for f in self.visible_fields() if not f.name.startswith("party_")]

    def party_rows(self):
        return [(self[f"party_{i}_role"], self[f"party_{i}_name"], self[f"party_{i}_phone"]) for i in range(PARTY_ROWS)]

    def parties(self) -> list[dict]:
        data = self.cleaned_data
        rows = []
        for i in range(PARTY_ROWS):
            name = (data.get(f"party_{i}_name") or "").strip()
            if name:
                rows.append({"role": data.get(f"party_{i}_role"), "name": name, "phone": data.get(f"party_{i}_phone")})
        return rows


class BodyForm(forms.Form):
    region = forms.ChoiceField(label=_("Serves"))
    kind = forms.ChoiceField(label=_("Kind"), choices=BodyKind.choices)
    name = forms.CharField(label=pgettext_lazy("mediation body", "Name"), max_length=80)
    field = forms.ChoiceField(
        label=_("Field"),
        choices=[("", "—"), *DisputeKind.choices],
        required=False,
        help_text=_("For a specialised committee."),
    )
    address = forms.CharField(label=_("Address"), max_length=120, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=20, required=False)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, regions=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.pk, f"{r.name}（{r.get_level_display()}）") for r in regions]
        if editing:
            del self.fields["region"]
            del self.fields["kind"]
        else:
            del self.fields["active"]


class MediatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    title = forms.ChoiceField(label=pgettext_lazy("mediator", "Title"), choices=Title.choices, initial=Title.MEMBER)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    username = forms.CharField(
        label=_("Account (user name)"),
        max_length=150,
        required=False,
        help_text=_("The mediator's account on the platform, so they see their cases; experts may have none."),
    )
    expertise = forms.CharField(label=_("Fields of expertise"), max_length=200, required=False)
    profile = forms.CharField(label=_("Short profile"), max_length=200, required=False)
    available = forms.BooleanField(label=_("Taking cases"), required=False, initial=True)
    active = forms.BooleanField(label=_("In the pool"), required=False, initial=True)


class SubsidyRateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type of dispute"), choices=[("", _("Any type")), *DisputeKind.choices], required=False
    )
    difficulty = forms.ChoiceField(label=_("Difficulty"), choices=Difficulty.choices)
    amount = forms.CharField(
        label=_("Subsidy per case (yuan)"),
        max_length=20,
        required=False,
        help_text=_("Leave blank to remove the rate."),
    )


class LocalKindForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=16, help_text=_("Letters and digits, e.g. grassland."))
    name = forms.CharField(label=pgettext_lazy("mediation body", "Name"), max_length=40)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)
