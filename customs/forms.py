from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from customs import limits
from customs.models import EventKind


def _number(measure, **kwargs):
    if measure.money:
        return forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, **kwargs)
    return forms.IntegerField(min_value=0, max_value=100000, **kwargs)


class DeclareForm(forms.Form):
    """事前申报: the event and the plan; the plan's numbers are those of the event's kind (the others are left out
    by the service)."""

    kind = forms.ChoiceField(
        label=_("What event"),
        choices=EventKind.choices,
        widget=forms.RadioSelect,
        help_text=_("Other feasts: birthday, school and house-warming feasts (寿宴、升学宴、乔迁宴)."),
    )
    host = forms.CharField(label=_("Host (事主)"), max_length=50)
    phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    event_date = forms.DateField(label=_("Date of the event"), widget=DateInput())
    place = forms.CharField(
        label=_("Place"),
        max_length=120,
        required=False,
        help_text=_("e.g. the village's 院坝 or the household's own yard"),
    )
    budget = forms.DecimalField(
        label=_("Expected cost (yuan)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("What the household expects to spend in all."),
    )
    note = forms.CharField(
        label=_("Anything the council should know"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_date"].widget.attrs["min"] = timezone.localdate().isoformat()
        for m in limits.MEASURES:
            field = _number(m, label=m.label, required=False, help_text=m.unit)
            field.widget.attrs["data-kinds"] = " ".join(m.kinds)
            self.fields[f"plan__{m.key}"] = field
        self.order_fields(
            ["kind", "host", "phone", "event_date", "place", *(f"plan__{m.key}" for m in limits.MEASURES)]
        )

    def plan(self) -> dict:
        return {m.key: self.cleaned_data.get(f"plan__{m.key}") for m in limits.MEASURES}

    def declaration(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("plan__")}
        return {**data, "plan": self.plan()}


class LimitsForm(forms.Form):
    """The village's limits: one number per measure and kind (blank: no limit), the notice days per kind."""

    effective_from = forms.DateField(label=_("In force from"), widget=DateInput())
    basis = forms.CharField(
        label=_("Basis"),
        max_length=200,
        required=False,
        help_text=_("Where the village adopted them, e.g. 村规民约第八条 (2026年村民会议通过)."),
    )

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        values = (current.values if current else {}) or {}
        notice = (current.notice_days if current else {}) or {}
        self.fields["effective_from"].initial = timezone.localdate()
        if current is not None:
            self.fields["basis"].initial = current.basis
        self.grid = []
        for kind, label in EventKind.choices:
            names = []
            for m in limits.measures_for(kind):
                name = limits.field_name(kind, m.key)
                self.fields[name] = _number(
                    m, label=m.label, required=False, help_text=m.unit, initial=(values.get(kind) or {}).get(m.key)
                )
                names.append(name)
            name = f"notice__{kind}"
            self.fields[name] = forms.IntegerField(
                label=_("Declare at least … days before"),
                min_value=0,
                max_value=60,
                required=False,
                initial=notice.get(kind, 0),
            )
            names.append(name)
            self.grid.append((label, names))

    def rows(self):
        return [(label, [self[name] for name in names]) for label, names in self.grid]

    def limits(self) -> dict:
        out = {}
        for kind in EventKind.values:
            out[kind] = {
                m.key: self.cleaned_data.get(limits.field_name(kind, m.key)) for m in limits.measures_for(kind)
            }
        return out

    def notice_days(self) -> dict:
        return {kind: self.cleaned_data.get(f"notice__{kind}") for kind in EventKind.values}
