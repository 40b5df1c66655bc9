"""The audit event types this app records, with their readable names (registered with core.plugins by
finance.apps; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    CATEGORY_INSTALL = "finance.category.install", _("Default ledger categories installed")
    CATEGORY_ADD = "finance.category.add", _("Ledger category added")
    CATEGORY_CHANGE = "finance.category.change", _("Ledger category changed")
    CHAIN_INSTALL = "finance.chain.install", _("Default approval chain installed")
    CHAIN_SAVE = "finance.chain.save", _("Approval chain saved")
    CHAIN_RESET = "finance.chain.reset", _("Township returned to the county's approval chain")
    POST_ASSIGN = "finance.post.assign", _("Post of the signing chain assigned")
    POST_END = "finance.post.end", _("Post holding ended")
    ENTRY_RECORD = "finance.entry.record", _("Income recorded in the village ledger")
    ENTRY_REVERSE = "finance.entry.reverse", _("Ledger entry reversed")
    VOUCHER_ATTACH = "finance.voucher.attach", _("Vouchers attached")
    EXPENSE_SUBMIT = "finance.expense.submit", _("Expense submitted for signing")
    EXPENSE_RESUBMIT = "finance.expense.resubmit", _("Expense corrected and submitted again")
    EXPENSE_PAY = "finance.expense.pay", _("Expense paid and posted to the ledger")
    DISCLOSURE_GENERATE = "finance.disclosure.generate", _("Monthly financial disclosure generated")
    DISCLOSURE_CORRECT = "finance.disclosure.correct", _("Correction of a monthly financial disclosure generated")


ACTION_LABELS: dict = dict(AuditAction.choices)
