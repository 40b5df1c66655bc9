"""What core shows for village finance (registered with core.plugins by finance.apps)."""

from django.utils.translation import gettext_lazy as _

from core import plugins
from core.roles import Action
from finance.audit_labels import AuditAction


def expenses_to_sign(actor) -> int:
    """Expenses whose next signature is the actor's post and that the actor has not signed yet."""
    from finance import selectors

    return sum(1 for expense in selectors.my_queue(actor) if not expense.already_signed)


def set_up_county(county) -> None:
    """A new county's default categories and approval chain (idempotent; finance.services.county_set_up)."""
    from finance import services

    services.county_set_up(county)


def _bands(value) -> str:
    """The amount bands of an approval chain: "≤ 2000.00：村文书 → 村支书 → 监委会；…" (a count when installed)."""
    from finance.models import Post

    if not isinstance(value, list):
        return str(value)
    posts = dict(Post.choices)
    parts = []
    for band in value:
        limit = f"≤ {band['max_amount']}" if band.get("max_amount") else str(_("any larger amount"))
        parts.append(f"{limit}：" + " → ".join(str(posts.get(p, p)) for p in band.get("posts", [])))
    return "；".join(parts)


def _lines(value) -> str:
    """An expense's lines ([description, amount]) as "2027年报刊 720.00；…"."""
    return "；".join(" ".join(str(part) for part in line) for line in value) if isinstance(value, list) else str(value)


def register() -> None:
    from finance.models import Expense, Post

    plugins.register_audit_labels(AuditAction)
    # the keys of the finance audit events that are not fields of their target (or hold codes)
    plugins.register_audit_fields(
        "finance.",
        {
            "bands": plugins.AuditField(_("amount bands"), format=_bands),
            "categories": _("categories"),
            "lines": plugins.AuditField(_("expense lines"), format=_lines),
            "chain": plugins.AuditField(Expense._meta.get_field("chain").verbose_name, Post),
        },
    )
    plugins.register_county_setup(plugins.CountySetup("finance", set_up_county))
    plugins.register_waiting(
        plugins.WaitingItem(
            "finance.sign", _("Expenses to sign"), expenses_to_sign, "finance:queue", Action.FINANCE_APPROVE, order=10
        )
    )
