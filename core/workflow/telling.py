"""Who is told when a step is taken (a step's ``notify``), and where a case is seen."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.utils.translation import gettext as _

from casework.models import CaseEvent
from core.workflow.declarations import Party, Step

# -- who is told ------------------------------------------------------------------------------------------


def recipients(who: Iterable, case) -> set[int]:
    """The accounts a step's ``notify`` names: the holders of each role over the case's place (by the model's
    ``SCOPE_PATHS``: its county, township, village, grid or household) and each party's people."""
    from accounts.models import RoleAssignment  # accounts is the platform's, not a domain app

    users: set[int] = set()
    roles = [w for w in who if isinstance(w, str)]
    if roles:
        paths = getattr(case, "SCOPE_PATHS", {})
        place = models.Q(pk__in=[])
        regions = [_value(case, paths[level]) for level in ("county", "township", "village", "group") if level in paths]
        regions = [r for r in regions if r is not None]
        if regions:
            place |= models.Q(region_id__in=regions, grid__isnull=True, household__isnull=True)
        for level, column in (("grid", "grid_id"), ("household", "household_id")):
            value = _value(case, paths[level]) if level in paths else None
            if value is not None:
                place |= models.Q(**{column: value})
        users |= set(
            RoleAssignment.objects.filter(place, role__in=roles, user__is_active=True).values_list("user_id", flat=True)
        )
    for party in (w for w in who if isinstance(w, Party)):
        users |= {getattr(u, "pk", u) for u in party.people(case) or () if u}
    return users


def _value(case, path: str):
    value = case
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def case_url(case) -> str:
    """Where a case is seen: the model's own page, else the generic case page of casework."""
    if hasattr(case, "get_absolute_url"):
        return case.get_absolute_url()
    from django.urls import reverse

    return reverse("casework:case", args=[case.flow, case.pk])


def _tell(step: Step, event: CaseEvent) -> None:
    """After the step commits, tell the people its declaration names (never the one who took it): ``notify`` in
    ``notify_text``, then each of its ``tells`` in its own words; nobody twice."""
    tr = step.transition
    groups = [(tr.notify, tr.notify_text, tr.message)] if tr.notify else []
    groups += [(t.who, t.text, t.message) for t in tr.tells]
    told = {getattr(step.actor, "pk", None)}
    for index, (who, words, message) in enumerate(groups):
        users = recipients(who, step.case) - told
        if not users:
            continue
        told |= users
        values = {"flow": step.flow.label, "case": str(step.case)[:60], "step": tr.label}
        if callable(words):  # the module's own words, with the facts of the case and the step
            text = str(words(step))
        else:
            text = str(words or _("%(flow)s “%(case)s”: %(step)s")) % values
        key = f"{step.flow.name}:{event.pk}" + (f":{index}" if index else "")
        # the message kind the step names (it may also go by SMS), else the module, as the bell's list groups them
        kind = message or type(step.case)._meta.app_label
        transaction.on_commit(_sender(sorted(users), kind, text, case_url(step.case), key))


def _sender(users, kind, text, url, key):
    def send():
        from core import notifications

        notifications.notify(users, kind=kind, text=text, url=url, key=key)

    return send
