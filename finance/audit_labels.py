"""Readable names of this app's audit actions (merged by core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {
    "finance.category.install": _("Default ledger categories installed"),
    "finance.category.add": _("Ledger category added"),
    "finance.category.change": _("Ledger category changed"),
    "finance.chain.install": _("Default approval chain installed"),
    "finance.chain.save": _("Approval chain saved"),
    "finance.chain.reset": _("Township returned to the county's approval chain"),
    "finance.post.assign": _("Post of the signing chain assigned"),
    "finance.post.end": _("Post holding ended"),
    "finance.entry.record": _("Income recorded in the village ledger"),
    "finance.entry.reverse": _("Ledger entry reversed"),
    "finance.voucher.attach": _("Vouchers attached"),
    "finance.expense.submit": _("Expense submitted for signing"),
    "finance.expense.resubmit": _("Expense corrected and submitted again"),
    "finance.expense.pay": _("Expense paid and posted to the ledger"),
    "finance.disclosure.generate": _("Monthly financial disclosure generated"),
}
