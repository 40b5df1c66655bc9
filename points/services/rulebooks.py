"""Schemes and their versioned rule books: create, fill from a template or a copy, items, adoption."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.roles import Action, Role
from points.models import (
    CapPeriod,
    RuleBook,
    RuleCategory,
    RuleItem,
    Scheme,
    SchemeKind,
    SubjectKind,
)
from points.rulebook_templates import TEMPLATES
from points.services.base import _create_placed, _decimal, _require_in_village, _scheme_locked
from regions.models import Region

# -- schemes and rule books ------------------------------------------------------------------------


def _check_star_rules(star_rules) -> list:
    rules = []
    for rule in star_rules or []:
        try:
            rules.append({"stars": int(rule["stars"]), "min_score": float(_decimal(rule["min_score"], "star_rules"))})
        except (KeyError, TypeError, ValueError):
            raise DomainError(
                {"star_rules": _("Each star level needs a number of stars and a minimum score.")}
            ) from None
    if any(r["stars"] <= 0 for r in rules):
        raise DomainError({"star_rules": _("Each star level needs a number of stars and a minimum score.")})
    return sorted(rules, key=lambda r: -r["stars"])


@transaction.atomic
def scheme_create(
    *,
    actor,
    village: Region,
    name: str,
    kind: str,
    subject_kind: str,
    base_score=0,
    redeemable: bool = False,
    star_rules=None,
    warning_lines=None,
    publish_day: int = 28,
    appeal_window_days: int = 15,
) -> Scheme:
    _require_in_village(actor, Action.POINTS_CONFIGURE, village)
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("The name is required.")
    elif Scheme.objects.filter(village=village, name=name).exists():
        errors["name"] = _("This village already has a scheme with this name.")
    if kind not in SchemeKind.values:
        errors["kind"] = _("Choose a kind of scheme.")
    if subject_kind not in SubjectKind.values:
        errors["subject_kind"] = _("Choose who the scheme scores.")
    if not 1 <= int(publish_day or 0) <= 28:
        errors["publish_day"] = _("The publication day must be between 1 and 28.")
    if errors:
        raise DomainError(errors)
    scheme = Scheme(
        name=name,
        kind=kind,
        subject_kind=subject_kind,
        base_score=_decimal(base_score, "base_score"),
        redeemable=redeemable,
        star_rules=_check_star_rules(star_rules),
        warning_lines=warning_lines or {},
        publish_day=publish_day,
        appeal_window_days=appeal_window_days,
    )
    return _create_placed(actor, scheme, village, "points.scheme.create")


@transaction.atomic
def rulebook_create(
    *,
    actor,
    scheme: Scheme,
    title: str,
    effective_from: date,
    template: str | None = None,
    copy_from: RuleBook | None = None,
) -> RuleBook:
    """A new draft version, empty, from a template, or copied from an earlier version."""
    scheme = _scheme_locked(actor, Action.POINTS_CONFIGURE, scheme)
    if not (title or "").strip():
        raise DomainError({"title": _("The title is required.")})
    if effective_from is None:
        raise DomainError({"effective_from": _("Give the date from which the rules apply.")})
    version = (scheme.rulebooks.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    book = RuleBook.objects.create(scheme=scheme, version=version, title=title.strip(), effective_from=effective_from)
    if template:
        if template not in TEMPLATES:
            raise DomainError({"template": _("Unknown template.")})
        _fill_from_template(book, TEMPLATES[template])
    elif copy_from is not None:
        if copy_from.scheme_id != scheme.pk:
            raise DomainError({"copy_from": _("Copy a version of the same scheme.")})
        _copy_items(copy_from, book)
    audit.record(
        actor,
        "points.rulebook.create",
        scheme,
        target_label=str(book),
        after={
            "rulebook": book.pk,
            "version": version,
            "template": template,
            "copy_from": getattr(copy_from, "pk", None),
        },
    )
    return book


def _fill_from_template(book: RuleBook, template: dict) -> None:
    for c_index, (category_name, items) in enumerate(template["categories"]):
        category = RuleCategory.objects.create(rulebook=book, name=category_name, order=c_index)
        for i_index, (text, points, cap, evidence, declarable) in enumerate(items):
            RuleItem.objects.create(
                rulebook=book,
                category=category,
                code=f"{c_index + 1}.{i_index + 1}",
                text=text,
                points=Decimal(points),
                cap_count=cap,
                cap_period=CapPeriod.MONTH,
                evidence_required=evidence,
                declarable=declarable,
                order=i_index,
            )
    negative = RuleCategory.objects.create(
        rulebook=book, name=template.get("negative_category", "负面清单"), order=len(template["categories"])
    )
    for index, text in enumerate(template["negative_list"]):
        RuleItem.objects.create(
            rulebook=book,
            category=negative,
            code=f"N{index + 1}",
            text=text,
            points=Decimal(template["negative_points"]),
            negative_list=True,
            evidence_required=True,
            order=index,
            recorder_roles=[Role.VILLAGE_CADRE, Role.REVIEWER, Role.GRID_WORKER],
        )


def _copy_items(source: RuleBook, book: RuleBook) -> None:
    categories = {}
    for category in source.categories.all():
        categories[category.pk] = RuleCategory.objects.create(rulebook=book, name=category.name, order=category.order)
    for item in source.items.all():
        RuleItem.objects.create(
            rulebook=book,
            category=categories[item.category_id],
            code=item.code,
            text=item.text,
            points=item.points,
            negative_list=item.negative_list,
            cap_count=item.cap_count,
            cap_period=item.cap_period,
            evidence_required=item.evidence_required,
            recorder_roles=item.recorder_roles,
            declarable=item.declarable,
            fact=item.fact,
            fact_conditions=item.fact_conditions,
            order=item.order,
        )


def _draft(actor, book: RuleBook) -> RuleBook:
    book = RuleBook.objects.select_for_update().select_related("scheme").get(pk=book.pk)
    if not scope.in_scope(actor, Action.POINTS_CONFIGURE, book.scheme):
        raise NotFound()
    if book.is_adopted:
        raise DomainError(_("This version is adopted and can no longer change; create a new version."))
    return book


@transaction.atomic
def rule_item_save(
    *,
    actor,
    rulebook: RuleBook,
    category_name: str,
    code: str,
    text: str,
    points,
    negative_list: bool = False,
    cap_count: int | None = None,
    cap_period: str = CapPeriod.MONTH,
    evidence_required: bool = False,
    declarable: bool = False,
    recorder_roles=None,
    item: RuleItem | None = None,
    fact: str = "",
    fact_conditions=None,
) -> RuleItem:
    """Add or change an item of a draft version. ``fact``: the fact (core.facts) that earns the item without an
    entry, with its ``fact_conditions`` (e.g. {"kind": ["villagers_assembly"], "first_in_month": true})."""
    book = _draft(actor, rulebook)
    errors = {}
    value = _decimal(points, "points")
    if value == 0:
        errors["points"] = _("An item must be worth some points.")
    if negative_list and value > 0:
        errors["points"] = _("A negative-list item must cost points.")
    if not (text or "").strip():
        errors["text"] = _("Describe the item.")
    if not (code or "").strip():
        errors["code"] = _("The code is required.")
    elif book.items.filter(code=code.strip()).exclude(pk=getattr(item, "pk", None)).exists():
        errors["code"] = _("Another item of this version has this code.")
    if cap_period not in CapPeriod.values:
        errors["cap_period"] = _("Choose a period.")
    roles = list(recorder_roles or [])
    if any(r not in Role.values for r in roles):
        errors["recorder_roles"] = _("Unknown role.")
    from points.fact_claims import clean_binding  # (it reads the claims' services)

    try:
        fact, fact_conditions = clean_binding(fact, fact_conditions, book.scheme.subject_kind)
    except DomainError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise DomainError(errors)
    category, _created = RuleCategory.objects.get_or_create(
        rulebook=book, name=(category_name or "").strip() or "其他", defaults={"order": book.categories.count()}
    )
    if item is None:
        item = RuleItem(rulebook=book, order=book.items.count())
    elif item.rulebook_id != book.pk:
        raise NotFound()
    item.category, item.code, item.text, item.points = category, code.strip(), text.strip(), value
    item.negative_list, item.cap_count, item.cap_period = negative_list, cap_count, cap_period
    item.evidence_required, item.declarable, item.recorder_roles = evidence_required, declarable, roles
    item.fact, item.fact_conditions = fact, fact_conditions
    item.save()
    audit.record(
        actor,
        "points.rule_item.save",
        book.scheme,
        target_label=str(item),
        after={
            "rulebook": book.pk,
            "item": item.pk,
            "points": str(value),
            "text": item.text,
            **({"fact": fact, "fact_conditions": fact_conditions} if fact else {}),
        },
    )
    return item


def _adopting_decision(actor, book: RuleBook, decision_ref: str):
    """The deliberation decision (议事决策) named by its number in ``decision_ref`` (e.g. "JY2026-0003 村民代表会议"),
    when it is one of the scheme's village; a number that names no such decision is refused, free text links none."""
    import re

    from deliberation.models import Decision

    match = re.search(r"\bJY(\d{4})-(\d{1,8})\b", decision_ref)
    if match is None:
        return None
    decision = Decision.objects.filter(pk=int(match.group(2)), village_id=book.scheme.village_id).first()
    if decision is None or decision.number != match.group(0):
        raise DomainError(
            {"decision_ref": _("There is no decision %(number)s of this village.") % {"number": match.group(0)}}
        )
    return decision


@transaction.atomic
def rulebook_adopt(*, actor, rulebook: RuleBook, decision_ref: str) -> RuleBook:
    """Adopt a draft version by the recorded decision; from its effective date it replaces the previous one."""
    book = _draft(actor, rulebook)
    decision_ref = (decision_ref or "").strip()
    if not decision_ref:
        raise DomainError({"decision_ref": _("Name the meeting decision that adopted these rules.")})
    if not book.items.exists():
        raise DomainError(_("A rule book without items cannot be adopted."))
    later = book.scheme.rulebooks.filter(adopted_at__isnull=False, effective_from__gte=book.effective_from)
    if later.exists():
        raise DomainError({"effective_from": _("An adopted version already applies from this date or later.")})
    decision = _adopting_decision(actor, book, decision_ref)
    book.decision_ref, book.adopted_at, book.adopted_by = decision_ref, timezone.now(), actor
    book.decision = decision
    book.save(update_fields=["decision_ref", "adopted_at", "adopted_by", "decision"])
    audit.record(
        actor,
        "points.rulebook.adopt",
        book.scheme,
        target_label=str(book),
        after={
            "rulebook": book.pk,
            "decision_ref": decision_ref,
            "decision": decision.pk if decision else None,
            "effective_from": book.effective_from.isoformat(),
        },
    )
    return book


def rulebook_in_force(scheme: Scheme, on: date) -> RuleBook | None:
    return (
        scheme.rulebooks.filter(adopted_at__isnull=False, effective_from__lte=on)
        .order_by("-effective_from", "-version")
        .first()
    )
