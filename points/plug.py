"""What core shows for points (registered with core.plugins by points.apps)."""

from django.utils.translation import gettext_lazy as _

from core import plugins
from core.roles import Action
from points.audit_labels import AuditAction


def claims_to_review(actor) -> int:
    from points import selectors

    return selectors.claims_to_review(actor).count()


def appeals_to_decide(actor) -> int:
    from points import selectors

    return selectors.appeals_to_decide(actor).count()


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
    from points.models import ListKind, ListMethod, ListRule, RuleBook

    plugins.register_audit_labels(AuditAction)
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
        },
    )
    plugins.register_audit_fields(
        "points.list_rule.",
        {
            "kind": plugins.AuditField(ListRule._meta.get_field("kind").verbose_name, ListKind),
            "method": plugins.AuditField(ListRule._meta.get_field("method").verbose_name, ListMethod),
        },
    )
    plugins.register_audit_fields("points.shop.", {"is_active": _("in use")})
    plugins.register_county_setup(plugins.CountySetup("points", _set_up_county))
    plugins.register_household_panel(plugins.HouseholdPanel("points", 100, _household_points))
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
