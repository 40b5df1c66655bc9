"""Writes of the village ledger. Every function checks the actor's scope (outside it: NotFound, answered as 404),
runs in one transaction (locking the row it changes) and records an audit event; bad input raises DomainError with
a Chinese message and writes nothing. Steps of an expense go through core.workflow (flow ``expense``), which
writes the CaseEvent and its ``casework.*`` audit event.

One module per topic: categories, chains (approval bands), posts, entries (the ledger), expenses, disclosures
(the monthly disclosure), county (what a new county gets); common holds the small checks they share.
"""

from finance.services.categories import category_install_defaults, category_save
from finance.services.chains import band_for, chain_install_defaults, chain_reset, chain_save
from finance.services.county import county_set_up
from finance.services.disclosures import disclosure_correct, disclosure_generate
from finance.services.entries import entry_attach, entry_record_income, entry_reverse
from finance.services.expenses import (
    expense_decide,
    expense_pay,
    expense_resubmit,
    expense_sign,
    expense_step,
    expense_submit,
    expense_withdraw,
)
from finance.services.posts import post_assign, post_end

__all__ = [
    "band_for",
    "category_install_defaults",
    "category_save",
    "chain_install_defaults",
    "chain_reset",
    "chain_save",
    "county_set_up",
    "disclosure_correct",
    "disclosure_generate",
    "entry_attach",
    "entry_record_income",
    "entry_reverse",
    "expense_decide",
    "expense_pay",
    "expense_resubmit",
    "expense_sign",
    "expense_step",
    "expense_submit",
    "expense_withdraw",
    "post_assign",
    "post_end",
]
