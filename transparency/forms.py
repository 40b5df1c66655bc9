"""Forms of the 三务公开 pages. They only translate HTTP input; the rules live in transparency.services and in the
flows (transparency.flows). The steps' forms (publish, withdraw, answer…) are derived from their declaration there
(casework.steps)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.fields import MultipleFileInput, MultipleFilesField
from core.forms import DateInput
from transparency.disclosure import month_end
from transparency.files import MAX_FILES
from transparency.models import Cadence, Stream

CATEGORY_SUGGESTIONS = {
    Stream.FINANCE: ["收支明细", "惠民资金", "集体资产资源", "工程项目资金", "债权债务", "土地征收补偿"],
    Stream.VILLAGE: ["工程项目", "低保评议", "宅基地审批", "集体土地发包", "村规民约", "计划生育", "救灾救助"],
    Stream.PARTY: ["党员发展", "党费收缴", "组织生活", "党组织决议", "民主评议党员"],
}

PRIVACY_REMINDER = gettext_lazy(
    "This notice is public, also on the internet. Do not write ID numbers, phone numbers, bank accounts, or "
    "statuses such as 低保, 残疾 or 社区矫正 unless a rule requires them; write names masked (王**) where the notice "
    "does not need them in full."
)


class FilesField(MultipleFilesField):
    """Up to MAX_FILES files from one <input type=file multiple>; the service checks that they are PDFs or
    images."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/*", "multiple": True}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"required": gettext_lazy("Choose a file.")})
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = super().clean(data, initial)
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("At most %(n)s files.") % {"n": MAX_FILES})
        return files


# -- periods ---------------------------------------------------------------------------------------------------


def period_choices(today: date | None = None) -> list:
    """Months, quarters and years around today for a <select> with optgroups, then "another period"."""
    today = today or timezone.localdate()
    months, quarters, years = [], [], []
    year, month = today.year, today.month
    for _i in range(15):  # this month and the 14 before
        months.append((f"m:{year}-{month:02d}", _("%(year)s-%(month)02d") % {"year": year, "month": month}))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    quarter, year = (today.month - 1) // 3 + 1, today.year
    for _i in range(6):
        quarters.append((f"q:{year}-{quarter}", _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}))
        quarter, year = (quarter - 1, year) if quarter > 1 else (4, year - 1)
    for y in (today.year, today.year - 1):
        years.append((f"y:{y}", _("Year %(year)s") % {"year": y}))
    return [
        (_("Month"), months),
        (_("Quarter"), quarters),
        (_("Year"), years),
        ("custom", _("Another period (give the dates)")),
    ]


def period_dates(value: str) -> tuple[date, date] | None:
    """'m:2026-05' → May 2026, 'q:2026-2' → Q2 2026, 'y:2026' → 2026; None for 'custom' or nonsense."""
    try:
        kind, _sep, rest = (value or "").partition(":")
        if kind == "m":
            year, month = (int(p) for p in rest.split("-"))
            return date(year, month, 1), month_end(year, month)
        if kind == "q":
            year, quarter = (int(p) for p in rest.split("-"))
            if not 1 <= quarter <= 4:
                return None
            return date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter)
        if kind == "y":
            year = int(rest)
            return date(year, 1, 1), date(year, 12, 31)
    except (TypeError, ValueError):
        return None
    return None


def period_value(start: date | None, end: date | None) -> str:
    """The choice that names exactly this period, or 'custom'."""
    if start is None or end is None:
        return "custom"
    for value in (
        f"m:{start.year}-{start.month:02d}",
        f"q:{start.year}-{(start.month - 1) // 3 + 1}",
        f"y:{start.year}",
    ):
        if period_dates(value) == (start, end):
            return value
    return "custom"


def default_period(stream: str = Stream.FINANCE, today: date | None = None) -> str:
    """Last month (finances) — what a cadre usually publishes at the start of a month."""
    today = today or timezone.localdate()
    end = today.replace(day=1) - timedelta(days=1)
    return f"m:{end.year}-{end.month:02d}"


class NoticeForm(forms.Form):
    """Write or change a draft notice."""

    village = forms.TypedChoiceField(label=gettext_lazy("Village"), coerce=int, empty_value=None)
    # no preselected stream: a financial notice goes to the 民主理财小组 first, so the writer chooses it knowingly
    stream = forms.ChoiceField(
        label=gettext_lazy("Stream"),
        choices=Stream.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose the kind of notice: party affairs, village affairs or finances.")
        },
    )
    category = forms.CharField(
        label=gettext_lazy("Category"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"list": "category-suggestions"}),
        help_text=gettext_lazy("e.g. 收支明细, 惠民资金, 工程项目, 党员发展"),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    body = forms.CharField(
        label=gettext_lazy("Text of the notice"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Shown to everyone: no ID numbers, phone numbers or bank accounts."),
    )
    period = forms.ChoiceField(label=gettext_lazy("Period it covers"))
    period_start = forms.DateField(label=gettext_lazy("Period from"), required=False, widget=DateInput())
    period_end = forms.DateField(label=gettext_lazy("Period to"), required=False, widget=DateInput())
    is_major = forms.BooleanField(
        label=gettext_lazy("Major matter (重大事项): disclose at once"),
        required=False,
    )
    posted_from = forms.DateField(label=gettext_lazy("Planned: posted from"), required=False, widget=DateInput())
    posted_until = forms.DateField(
        label=gettext_lazy("Planned: posted until"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("You confirm the posting dates when you publish."),
    )
    files = FilesField(
        label=gettext_lazy("Attachments"),
        help_text=gettext_lazy("PDFs or images, at most 10 MB each."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    changed_at = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, villages, with_files=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.pk, v.name) for v in villages]
        if len(villages) == 1:
            self.fields["village"].widget = forms.HiddenInput()
            self.fields["village"].initial = villages[0].pk
            self.fields["village"].required = False
        self.fields["period"].choices = period_choices()
        if not with_files:
            del self.fields["files"]

    def clean(self):
        data = super().clean()
        chosen = period_dates(data.get("period") or "")
        if chosen is not None:
            data["period_start"], data["period_end"] = chosen
        elif data.get("period") == "custom":
            for key in ("period_start", "period_end"):
                if not data.get(key) and key not in self.errors:
                    self.add_error(key, _("Give the dates of the period."))
        return data


class AttachForm(forms.Form):
    files = FilesField(
        label=gettext_lazy("Add attachments"),
        required=True,
        help_text=gettext_lazy("PDFs or images, at most 10 MB each."),
    )


class AskForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your question"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The answer is shown on the notice for everyone, with your name masked. Do not write phone or ID numbers."
        ),
    )
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class PolicyForm(forms.Form):
    min_posting_days = forms.IntegerField(
        label=gettext_lazy("Minimum posting days"),
        min_value=1,
        max_value=60,
        help_text=gettext_lazy("A notice's last day on the board is at least this many days after its first."),
    )
    answer_days = forms.IntegerField(label=gettext_lazy("Working days to answer a question"), min_value=1, max_value=30)
    finance_cadence = forms.ChoiceField(label=gettext_lazy("Financial disclosure"), choices=Cadence.choices)
    village_cadence = forms.ChoiceField(label=gettext_lazy("Village affairs disclosure"), choices=Cadence.choices)
    party_cadence = forms.ChoiceField(label=gettext_lazy("Party affairs disclosure"), choices=Cadence.choices)
    due_days = forms.IntegerField(
        label=gettext_lazy("Days after the period to publish"),
        min_value=0,
        max_value=60,
        help_text=gettext_lazy("10: the disclosure of May is due by 10 June."),
    )
