"""Forms of the county's catalogue pages: they only translate HTTP input; the rules live in incidents.services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from incidents.models import Level, Severity


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name if obj.is_active else f"{obj.name}（{_('inactive')}）"


class DepartmentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class MatterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}" + ("" if obj.is_current else f"（{_('retired')}）")


class MemberField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name or obj.username}（{obj.username}）"


class MatterForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("Unique in the county, e.g. HJ01."))
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=100)
    group = forms.CharField(label=_("Group"), max_length=50, help_text=_("e.g. 矛盾纠纷, 安全隐患, 环境卫生, 民生服务"))
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible = DepartmentChoiceField(
        label=_("Responsible body"),
        queryset=None,
        required=False,
        empty_label=_("— none: handled by the village or township —"),
    )
    assisting = DepartmentsField(
        label=_("Assisting bodies"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, departments, groups=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = departments
        self.fields["assisting"].queryset = departments
        self.fields["group"].widget.attrs["list"] = "matter-groups"
        self.groups = list(groups)
        if editing:
            del self.fields["code"]


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for retiring"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Cases already reported keep this matter; no new report can name it."),
    )


class DepartmentForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=20)
    phone = forms.CharField(label=_("Duty phone"), max_length=32, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    members = MemberField(
        label=_("Members"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Accounts holding the department staff role in the county."),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = staff


SEVERITY_ANY = [("", _("Any severity"))] + list(Severity.choices)


class RuleForm(forms.Form):
    matter = MatterChoiceField(label=_("Matter"), queryset=None, required=False, empty_label=_("Any matter"))
    severity = forms.ChoiceField(label=_("Severity"), choices=SEVERITY_ANY, required=False)
    level = forms.ChoiceField(label=_("Handling level"), choices=[("", "—")] + list(Level.choices))
    department = DepartmentChoiceField(
        label=_("Department"),
        queryset=None,
        required=False,
        empty_label=_("— the matter's responsible body —"),
        help_text=_("Only for county-level handling."),
    )
    days = forms.IntegerField(
        label=_("Working days to handle"), widget=forms.NumberInput(attrs={"min": 1, "max": 60, "inputmode": "numeric"})
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, matters, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = matters
        self.fields["department"].queryset = departments


class TryForm(forms.Form):
    """试一试: which level, body and deadline would a new case of this matter and severity get?"""

    matter = MatterChoiceField(label=_("Matter"), queryset=None, empty_label="—")
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL)

    def __init__(self, *args, matters, **kwargs):
        kwargs.setdefault("prefix", "try")
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = matters
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label
