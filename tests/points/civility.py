"""What the points tests start from: village a1's 文明户积分 (households, base score 10) with the 安家村 rule book
adopted 400 days ago; and the loop of the property tests (test_*_properties.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from points import services
from points.models import RuleItem, Scheme


def civility_scheme(world, *, title="细则", decision_ref="决议", **fields) -> tuple[Scheme, list[RuleItem]]:
    """The scheme (``fields``: more of ``scheme_create``'s arguments) and its adopted rule book's items that need
    no evidence, by code."""
    cadre = world.users["cadre_a1"]
    scheme = services.scheme_create(
        actor=cadre,
        village=world.village_a1,
        name="文明户积分",
        kind="civility",
        subject_kind="household",
        base_score=10,
        **fields,
    )
    book = services.rulebook_create(
        actor=cadre,
        scheme=scheme,
        title=title,
        template="anjia",
        effective_from=timezone.localdate() - timedelta(days=400),
    )
    services.rulebook_adopt(actor=cadre, rulebook=book, decision_ref=decision_ref)
    return scheme, list(RuleItem.objects.filter(rulebook=book, evidence_required=False).order_by("code"))


def play(run, operations, *checks) -> None:
    """Apply each drawn operation (a method name and its arguments) to the run, checking every invariant after
    each one."""
    for name, *args in operations:
        getattr(run, name)(*args)
        for check in checks:
            check()
