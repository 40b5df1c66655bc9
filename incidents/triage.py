"""分级分流: which level, body and deadline a new case gets, from the county's rules table.

The most specific rule wins: (matter, severity), then (matter, any severity), then (any matter, severity),
then (any, any). Without any rule the case stays in its village with 5 working days (小事不出村). A case of the
county's 其他/不清楚 matter (``GridMatter.unsorted``) goes to its village whatever the rules say: the village sets
the real kind (the ``classify`` step), and the case is routed again by the rules for that kind. A county-level
rule without a department sends the case to the matter's responsible body; when the matter has none either,
the case goes to its township, whose dispatcher chooses.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from incidents.models import Department, Level, TriageRule

DEFAULT_DAYS = 5


@dataclass
class Decision:
    level: str
    department: Department | None
    days: int
    rule: TriageRule | None
    reason: str

    def as_data(self) -> dict:
        return {
            "level": self.level,
            "department": self.department.pk if self.department else None,
            "department_name": self.department.name if self.department else "",
            "days": self.days,
            "rule": self.rule.pk if self.rule else None,
            "reason": self.reason,
        }


def best_rule(rules, matter_id: int | None, severity: str) -> TriageRule | None:
    """The most specific of ``rules`` (already limited to one county) for this matter and severity."""
    ranked = {}
    for rule in rules:
        if rule.matter_id not in (None, matter_id) or rule.severity not in ("", severity):
            continue
        rank = (rule.matter_id is not None) * 2 + (rule.severity != "")
        ranked.setdefault(rank, rule)
    return ranked[max(ranked)] if ranked else None


def decide(county_id: int, matter, severity: str, rules=None) -> Decision:
    """The decision for a new case of ``matter`` (a GridMatter, or None) and ``severity`` in the county, without a
    case and without writing; ``rules`` may be the county's rules already loaded (ordered by pk)."""
    if matter is not None and matter.unsorted:
        return Decision(
            Level.VILLAGE, None, DEFAULT_DAYS, None, _("Kind of matter not known: the village sorts it first.")
        )
    if rules is None:
        rules = TriageRule.objects.filter(county_id=county_id).select_related("department", "matter").order_by("pk")
    rule = best_rule(rules, matter.pk if matter is not None else None, severity)
    if rule is None:
        return Decision(Level.VILLAGE, None, DEFAULT_DAYS, None, _("No triage rule applies: handled in the village."))
    level, department = rule.level, None
    reason = _("Rule: %(rule)s.") % {"rule": rule}
    if level == Level.COUNTY:
        department = rule.department or (matter.responsible if matter is not None else None)
        if department is None:
            level = Level.TOWNSHIP
            reason += " " + _("No department is named for it, so the township dispatches it.")
        elif not department.is_active:
            level, department = Level.TOWNSHIP, None
            reason += " " + _("Its department is not active, so the township dispatches it.")
    return Decision(level, department, rule.days, rule, reason)


def route(case) -> Decision:
    """The decision for a case being reported (its county, matter and severity)."""
    return decide(case.county_id, case.matter, case.severity)
