"""Forms of the seven goods' pages (thin: the services clean and check everything)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspections.models import Heading

QUARTERS = [(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))]


class RoundOpenForm(forms.Form):
    village = forms.TypedChoiceField(label=_("Village"), coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.pk, f"{v.township.name} {v.name}") for v in villages]


class PolicyForm(forms.Form):
    praise_percent = forms.CharField(label=_("Praise board share (%)"), max_length=10)
    exposure_percent = forms.CharField(label=_("Exposure board share (%)"), max_length=10)
    group_percent = forms.CharField(label=_("Village group share, top and bottom (%)"), max_length=10)


class RetireForm(forms.Form):
    retired_on = forms.DateField(
        label=_("Retired from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class SheetForm(forms.Form):
    """A new version: the title, the total, and for each of the seven headings its name, its points and its
    details, one a line as "text | points"."""

    title = forms.CharField(label=_("Title"), max_length=80)
    total = forms.CharField(label=_("Total points"), max_length=6)
    effective_from = forms.DateField(
        label=_("Effective from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)

    def __init__(self, *args, headings: list[Heading] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        headings = list(headings or [])
        for n in range(1, 8):
            h = headings[n - 1] if n <= len(headings) else None
            self.fields[f"h{n}_name"] = forms.CharField(
                label=_("Heading %(n)s") % {"n": n}, max_length=40, initial=h.name if h else ""
            )
            self.fields[f"h{n}_points"] = forms.CharField(
                label=_("Points"), max_length=6, initial=h.points if h else ""
            )
            self.fields[f"h{n}_details"] = forms.CharField(
                label=_("Details (one a line: text | points)"),
                widget=forms.Textarea(attrs={"rows": 5}),
                max_length=4000,
                initial="\n".join(f"{d.text} | {d.points}" for d in h.details.all()) if h else "",
            )

    def headings(self) -> list[dict]:
        out = []
        for n in range(1, 8):
            details = []
            for line in (self.cleaned_data.get(f"h{n}_details") or "").splitlines():
                if not line.strip():
                    continue
                text, _sep, points = line.rpartition("|")
                if not _sep:
                    text, points = line, ""
                details.append({"text": text.strip(), "points": points.strip()})
            out.append(
                {
                    "name": self.cleaned_data.get(f"h{n}_name"),
                    "points": self.cleaned_data.get(f"h{n}_points"),
                    "details": details,
                }
            )
        return out

    def heading_rows(self):
        return [(self[f"h{n}_name"], self[f"h{n}_points"], self[f"h{n}_details"]) for n in range(1, 8)]
