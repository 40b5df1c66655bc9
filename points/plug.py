"""What core shows for points (registered with core.plugins by points.apps)."""

from django.utils.translation import gettext_lazy as _

from core import plugins, scope
from core.roles import Action
from points import fact_claims
from points.audit_labels import AuditAction


def claims_to_review(actor) -> int:
    from points import selectors

    return selectors.claims_to_review(actor).count()


def appeals_to_decide(actor) -> int:
    from points import selectors

    return selectors.appeals_to_decide(actor).count()


def my_points_card(actor) -> plugins.Card | None:
    """The villager's points on the home page (score with its base, rank, balance; links to the points and the
    shop): what a villager opens the platform for most, first after what waits for them."""
    from points import selectors

    if not scope.can(actor, Action.POINTS_VIEW_OWN):
        return None
    rows = selectors.my_points_brief(actor)
    if not rows:
        return None
    data = [
        {"scheme": r["scheme"].pk, "score": str(r["score"]), "rank": r["rank"], "balance": str(r["balance"])}
        for r in rows
    ]
    return plugins.Card(
        title=_("My points"),
        template="points/_home_card.html",
        context={"rows": rows, "shop": scope.can(actor, Action.SHOP_REDEEM) and any(r["redeemable"] for r in rows)},
        data=data,
    )


def _household_points(actor, household):
    """The household page's points section (points.household_panel)."""
    from points.household_panel import household_points

    return household_points(actor, household)


def _set_up_county(county) -> None:
    """A new county gets the default consequences red and black lists may carry (idempotent)."""
    from points.consequences import ensure_default_consequences

    ensure_default_consequences(county)


def _subject(key) -> str:
    """A scored subject's key ("h:250") as its name (the household, person, organization or branch)."""
    from points.models import SubjectKind
    from points.subjects import load_subject

    kinds = {"h": SubjectKind.HOUSEHOLD, "p": SubjectKind.PERSON, "o": SubjectKind.ORGANIZATION}
    kinds["b"] = SubjectKind.PARTY_BRANCH
    try:
        letter, pk = str(key).split(":", 1)
        return load_subject(kinds[letter], int(pk)).label
    except Exception:  # a subject removed since, or another shape: shown as recorded
        return str(key)


def register() -> None:
    from points.models import ListKind, ListMethod, ListRule, RuleBook, RuleItem

    plugins.register_audit_labels(AuditAction)
    fact_claims.register()  # facts recorded anywhere make claims of the rule items bound to them
    # the keys of the points' audit events that are not fields of their target (mostly the scheme)
    plugins.register_audit_fields(
        "points.",
        {
            "rulebook": plugins.AuditField(_("rule book"), model="points.RuleBook"),
            "copy_from": plugins.AuditField(_("copied from"), model="points.RuleBook"),
            "template": _("template"),
            "decision": plugins.AuditField(_("decision"), model="deliberation.Decision"),
            "decision_ref": RuleBook._meta.get_field("decision_ref").verbose_name,
            "effective_from": _("effective from"),
            "rule": plugins.AuditField(_("rule"), model="points.ListRule"),
            "value": _("value"),
            "consequences": _("consequences"),
            "subject": plugins.AuditField(_("scored subject"), format=_subject),
            "rows": _("rows published"),
            "black": _("households on the black list"),
            "corrections": _("corrections"),
            "scheme": plugins.AuditField(_("scheme"), model="points.Scheme"),
            "shop": plugins.AuditField(_("Points shop"), model="points.Shop"),
            "fact": _("earned by the fact"),
            "fact_conditions": _("conditions on the fact"),
        },
    )
    plugins.register_audit_fields(
        "points.list_rule.",
        {
            "kind": plugins.AuditField(ListRule._meta.get_field("kind").verbose_name, ListKind),
            "method": plugins.AuditField(ListRule._meta.get_field("method").verbose_name, ListMethod),
        },
    )
    plugins.register_audit_fields(
        "points.rule_item.",
        {
            "item": plugins.AuditField(RuleItem._meta.verbose_name, model="points.RuleItem"),
            "points": RuleItem._meta.get_field("points").verbose_name,
        },
    )
    plugins.register_audit_fields("points.shop.", {"is_active": _("in use")})
    plugins.register_county_setup(plugins.CountySetup("points", _set_up_county))
    plugins.register_household_panel(plugins.HouseholdPanel("points", 100, _household_points))
    plugins.register_home_card(plugins.HomeCard("my_points", 60, my_points_card))
    plugins.register_waiting(
        plugins.WaitingItem(
            "points.review",
            _("Points waiting for review"),
            claims_to_review,
            "points:home",
            Action.POINTS_REVIEW,
            order=5,
        )
    )
    plugins.register_waiting(
        plugins.WaitingItem(
            "points.appeals",
            _("Points appeals to decide"),
            appeals_to_decide,
            "points:appeal_list",
            Action.POINTS_REVIEW,
            order=6,
        )
    )
