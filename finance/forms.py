"""Forms of the village ledger's pages: they only collect what was typed; every rule is checked by
finance.services (amounts are text here so that the service's money rule gives its own message)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finance.models import Direction, PaymentMethod, Post
from transparency.forms import FilesField

LINE_ROWS = 8
AMOUNT_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00"}


def category_choices(categories) -> list:
    return [("", "—")] + [(c.pk, f"{c.code} {c.full_name}") for c in categories]


class IncomeForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20, widget=forms.TextInput(attrs=AMOUNT_ATTRS))
    counterparty = forms.CharField(label=_("Paid by"), max_length=100)
    counterparty_is_person = forms.BooleanField(
        label=_("A private person (the name is masked on the public board)"), required=False
    )
    summary = forms.CharField(label=_("Summary"), max_length=200)
    method = forms.ChoiceField(
        label=_("Payment method"), choices=PaymentMethod.choices, widget=forms.RadioSelect, initial="bank_transfer"
    )
    reference = forms.CharField(label=_("Bank transfer reference"), max_length=60, required=False)
    vouchers = FilesField(label=_("Vouchers (PDF or images)"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(categories)
        self.fields["date"].initial = timezone.localdate()


class ExpenseForm(forms.Form):
    title = forms.CharField(label=_("Purpose"), max_length=100)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    payee = forms.CharField(label=_("Payee"), max_length=100)
    payee_is_person = forms.BooleanField(
        label=_("A private person (the name is masked on the public board)"), required=False
    )
    amount = forms.CharField(label=_("Total (yuan)"), max_length=20, widget=forms.TextInput(attrs=AMOUNT_ATTRS))
    deliberation_ref = forms.CharField(
        label=_("Deliberation reference (两委商议 / 村民代表审议)"),
        max_length=200,
        required=False,
        help_text=_("Required above the amount your township sets: the minutes or decision number."),
    )
    vouchers = FilesField(label=_("Vouchers (PDF or images)"))

    def __init__(self, *args, categories=(), with_files=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(categories)
        if not with_files:
            del self.fields["vouchers"]

    def lines(self) -> list[dict]:
        """The item lines typed in the rows line_desc_N / line_amount_N (empty rows skipped)."""
        out = []
        for n in range(LINE_ROWS):
            description = (self.data.get(f"line_desc_{n}") or "").strip()
            amount = (self.data.get(f"line_amount_{n}") or "").strip()
            if description or amount:
                out.append({"description": description, "amount": amount})
        return out


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why is it reversed?"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    date = forms.DateField(label=_("Date of the reversal"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class VoucherForm(forms.Form):
    vouchers = FilesField(label=_("Vouchers (PDF or images)"), required=True)


class CategoryForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=12)
    name = forms.CharField(label=_("Name"), max_length=40)
    parent = forms.TypedChoiceField(label=_("Under"), coerce=int, required=False, empty_value=None)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, required=False)
    is_welfare = forms.BooleanField(label=_("Welfare funds (惠民资金): itemised in the disclosure"), required=False)

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("— a top-level category —"))] + [
            (c.pk, f"{c.code} {c.name}") for c in parents
        ]


class PostForm(forms.Form):
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices)
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—")] + [(u.pk, f"{u} ({u.username})") for u in people]


class DisclosureForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(f"{y}-{m:02d}", f"{y}-{m:02d}") for y, m in months]


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it corrected?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public board with the correction. No ID numbers, phones or account numbers."),
    )
