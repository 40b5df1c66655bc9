"""Forms only translate HTTP input; the rules live in points.services."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.attachments import check_evidence
from core import facts
from core.errors import DomainError
from core.forms import DateInput
from points.models import SchemeKind, SubjectKind


def signed_points(points) -> str:
    """+1, +0.5, -5: a Decimal(9, 2) without its trailing zeros."""
    return f"{points.normalize():+f}"


def choose_among(field: forms.ModelChoiceField, queryset, *, hide_single: bool = False) -> None:
    """Let ``field`` choose among ``queryset``; a single choice (a cadre of one village) is chosen already, and
    with ``hide_single`` not shown at all."""
    field.queryset = queryset
    if queryset.count() == 1:
        field.initial = queryset.first()
        if hide_single:
            field.widget = forms.HiddenInput()


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.text}（{signed_points(obj.points)}）"


def item_choices(items):
    """Items grouped by category for an <optgroup> select."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.category.name, []).append((item.pk, f"{item.text}（{signed_points(item.points)}）"))
    return [("", "—")] + list(groups.items())


class RecordForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": _("Choose a household.")})
    item = forms.TypedChoiceField(label=_("Item"), coerce=int, error_messages={"required": _("Choose an item.")})
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    evidence = forms.FileField(
        label=_("Photo or document"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf", "capture": "environment"}),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    client_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, items, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("occurred_on", timezone.localdate())
        kwargs["initial"].setdefault("client_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = item_choices(items)
        self.items = {i.pk: i for i in items}

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        try:
            return check_evidence(evidence)
        except DomainError as exc:
            raise forms.ValidationError(exc.messages) from None


class DeclareForm(RecordForm):
    household = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].required = True
        self.fields["note"].label = _("What did you do?")


class SchemeForm(forms.Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=None)
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=SchemeKind.choices)
    subject_kind = forms.ChoiceField(label=_("Who is scored"), choices=SubjectKind.choices)
    base_score = forms.DecimalField(label=_("Base score"), initial=0, max_digits=9, decimal_places=2)
    redeemable = forms.BooleanField(label=_("Points can be redeemed in the points shop"), required=False)
    stars = forms.CharField(
        label=_("Star levels"),
        required=False,
        initial="10:30, 5:15",
        help_text=_("Stars and minimum quarterly score, e.g. 10:30, 5:15 (ten stars from 30 points)."),
    )
    publish_day = forms.IntegerField(
        label=_("Publication day of the quarter's last month"), initial=28, min_value=1, max_value=28
    )
    appeal_window_days = forms.IntegerField(label=_("Appeal window (days)"), initial=15, min_value=1, max_value=90)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        choose_among(self.fields["village"], villages)

    def clean_stars(self):
        rules = []
        for part in (self.cleaned_data.get("stars") or "").replace("，", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                stars, minimum = part.replace("：", ":").split(":")
                rules.append({"stars": int(stars), "min_score": float(minimum)})
            except ValueError:
                raise forms.ValidationError(_("Write each level as stars:minimum score, e.g. 10:30.")) from None
        return rules

    def scheme_fields(self) -> dict:
        """What ``services.scheme_create`` takes: the fields as cleaned, the star levels as ``star_rules``."""
        fields = {k: v for k, v in self.cleaned_data.items() if k != "stars"}
        return {**fields, "star_rules": self.cleaned_data["stars"]}


class RuleBookForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    effective_from = forms.DateField(label=_("Applies from"), widget=DateInput())
    start = forms.ChoiceField(label=_("Start from"), choices=[])

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            ("template:anjia", _("The 安家村 template (6 categories, 34 items, 10 negative)")),
            ("empty", _("An empty rule book")),
        ]
        choices += [(f"copy:{v.pk}", _("A copy of version %(v)s") % {"v": v.version}) for v in versions]
        self.fields["start"].choices = choices


class RuleItemForm(forms.Form):
    category_name = forms.CharField(label=_("Category"), max_length=50)
    code = forms.CharField(label=_("Code"), max_length=20)
    text = forms.CharField(label=_("Item"), max_length=200)
    points = forms.DecimalField(label=_("Points"), max_digits=9, decimal_places=2)
    negative_list = forms.BooleanField(label=_("Negative list"), required=False)
    cap_count = forms.IntegerField(label=_("Cap (times per month)"), required=False, min_value=1)
    evidence_required = forms.BooleanField(label=_("Evidence required"), required=False)
    declarable = forms.BooleanField(label=_("Villagers may declare it"), required=False)
    fact = forms.ChoiceField(
        label=_("Earned by the fact"),
        required=False,
        help_text=_("Recorded by the platform when this happens (e.g. signing in at a meeting); no one types it."),
    )
    first_in_month = forms.BooleanField(label=_("Only the first time in a month"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fact"].choices = [("", "—")] + [(f.key, f.label) for f in facts.all_facts()]
        # one multiple choice per condition the registered facts take (today: the kind of meeting)
        self.condition_fields = {}
        for fact in facts.all_facts():
            for condition in fact.conditions:
                name = f"fact_{condition.key}"
                if name not in self.fields:
                    self.fields[name] = forms.MultipleChoiceField(
                        label=condition.label,
                        choices=list(condition.choices),
                        required=False,
                        widget=forms.SelectMultiple(attrs={"size": 4}),
                        help_text=_("Only when the fact is one of these; none chosen: any."),
                    )
                    self.condition_fields[name] = condition.key

    def clean(self):
        """``fact_conditions`` from the condition fields (what ``rule_item_save`` takes)."""
        data = super().clean()
        conditions = {}
        for name, key in self.condition_fields.items():
            values = data.pop(name, None)
            if values and data.get("fact"):
                fact = facts.get(data["fact"])
                if fact is not None and fact.condition(key) is not None:
                    conditions[key] = list(values)
        if data.pop("first_in_month", False):
            conditions["first_in_month"] = True
        data["fact_conditions"] = conditions
        return data


class AdoptForm(forms.Form):
    decision_ref = forms.CharField(
        label=_("Adopting decision"), max_length=200, help_text=_("e.g. 村民代表会议 2026-03-05 决议第3号")
    )


class ReviewForm(forms.Form):
    claims = forms.TypedMultipleChoiceField(coerce=int, error_messages={"required": _("Choose at least one entry.")})
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=300, required=False)

    def __init__(self, *args, claim_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].choices = [(pk, pk) for pk in claim_ids]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
