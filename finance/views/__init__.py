"""Pages of the village ledger (村级财务): the month's overview, the ledger with its filters and totals, an entry with
its vouchers and reversal, recording income, the expense request with item lines, 待我审批, an expense with its
signing chain, the configuration (categories, chains, posts), the monthly disclosure and the month's .xlsx.
Thin: reads go through finance.selectors and finance.ledger, writes through finance.services. One module per
topic: ledger, expenses, config, disclosures; common holds what they share."""

from finance.views.config import config
from finance.views.disclosures import disclosure_correct, disclosures, export
from finance.views.expenses import (
    chain_rows,
    expense_correct,
    expense_detail,
    expense_list,
    expense_new,
    expense_page,
    queue,
)
from finance.views.ledger import entry_detail, entry_vouchers, home, income_new, ledger_list, voucher

__all__ = [
    "chain_rows",
    "config",
    "disclosure_correct",
    "disclosures",
    "entry_detail",
    "entry_vouchers",
    "expense_correct",
    "expense_detail",
    "expense_list",
    "expense_new",
    "expense_page",
    "export",
    "home",
    "income_new",
    "ledger_list",
    "queue",
    "voucher",
]
