"""What a new county gets from village finance: its default categories and approval chain (registered as a
core.plugins.CountySetup by finance.plug; the data migration 0003 runs it for the counties that existed)."""

from __future__ import annotations

from finance.services.categories import category_install_defaults
from finance.services.chains import chain_install_defaults


def county_set_up(county) -> None:
    """Install the county's default categories and chain (idempotent: what it already has stays as it is)."""
    category_install_defaults(county=county)
    chain_install_defaults(county=county)
