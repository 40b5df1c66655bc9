from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput


class IssueForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    unit = forms.ChoiceField(label=_("Unit"))
    title = forms.CharField(
        label=_("Title"), max_length=120, required=False, help_text=_("Left blank: “<year> target list of <unit>”.")
    )
    items = forms.CharField(
        label=_("Tasks, one per line"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Task | due date (YYYY-MM-DD) | person or office responsible | how it is judged done — e.g. "
            "完成村级活动场所改造 | 2026-09-30 | 村支书 | 通过乡镇验收"
        ),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = list(units)

    def chosen_unit(self) -> tuple[str, int]:
        kind, _sep, pk = self.cleaned_data["unit"].partition(":")
        return kind, int(pk)

    def task_rows(self) -> list[dict]:
        rows = []
        for line in self.cleaned_data["items"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            parts += [""] * (4 - len(parts))
            rows.append({"text": parts[0], "due_date": parts[1], "owner": parts[2], "measure": parts[3]})
        return rows


class ItemForm(forms.Form):
    text = forms.CharField(label=_("Task"), max_length=300)
    due_date = forms.DateField(label=_("Due"), widget=DateInput())
    owner = forms.CharField(label=_("Person or office responsible"), max_length=60, required=False)
    measure = forms.CharField(label=_("How it is judged done"), max_length=300, required=False)
