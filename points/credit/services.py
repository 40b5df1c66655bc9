"""积分授信 / 道德信贷 (SPEC §3, seed 001 篇六): banks and employers read a household's points summary, only
with the household's consent.

- A county administrator (POINTS_POLICY) registers a partner together with its account, which gets the
  role CREDIT_PARTNER on the county.
- A consent is recorded for one household and one partner either by a village cadre of the household's
  village, on the household's written request (its reference is kept in the audit trail), or by a villager
  account of that household. Either may revoke it. Every grant and revoke is audited.
- The partner's account reads the summary through the API while an active consent exists; without one the
  household is answered as missing (404), never as forbidden, so a partner cannot probe which households
  exist. Every read is audited as ``points.credit.read``.
- The summary holds the masked household name, the village and, per household scheme of the village:
  the current year's score and rank, the stars of the latest published quarter and whether the household is
  on that publication's black list. No ID number, phone, member or tag.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound, PermissionDenied
from core.masking import mask_name
from core.models import AuditEvent
from core.roles import Action, Role
from points import standings as calc
from points.models import Consent, CreditPartner, Mentorship, Publication, Scheme, SubjectKind
from regions.models import Region, RegionLevel
from registry.models import Household

PARTNER_KINDS = ("bank", "employer")
READ_ACTION = "points.credit.read"


# -- partners (county administrator) -------------------------------------------------------------------------


def policy_counties(actor) -> QuerySet[Region]:
    return scope.scope_filter(actor, Action.POINTS_POLICY, Region.objects.filter(level=RegionLevel.COUNTY))


@transaction.atomic
def partner_create(
    *, actor, county: Region, name: str, kind: str, username: str, password: str, display_name: str = ""
) -> CreditPartner:
    """Register a bank or employer with its own account (role CREDIT_PARTNER on the county)."""
    from accounts.services import role_assign, user_create

    if county is None or county.level != RegionLevel.COUNTY:
        raise DomainError({"county": _("Choose a county.")})
    if not scope.region_in_scope(actor, Action.POINTS_POLICY, county):
        raise NotFound()
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("The partner's name is required.")
    elif CreditPartner.objects.filter(county=county, name=name).exists():
        errors["name"] = _("This county already has a partner with this name.")
    if kind not in PARTNER_KINDS:
        errors["kind"] = _("Choose bank or employer.")
    if errors:
        raise DomainError(errors)
    user = user_create(
        actor=actor, username=username, password=password, display_name=(display_name or "").strip() or name
    )
    role_assign(actor=actor, user=user, role=Role.CREDIT_PARTNER, region=county)
    partner = CreditPartner.objects.create(county=county, name=name, kind=kind, account=user)
    audit.record(
        actor,
        "points.credit.partner.create",
        partner,
        region=county,
        after={"partner": partner.pk, "name": name, "kind": kind, "account": user.username},
    )
    return partner


@transaction.atomic
def partner_set_active(*, actor, partner: CreditPartner, active: bool) -> CreditPartner:
    """Suspend or restore a partner: its account is disabled (tokens revoked) or enabled again."""
    from accounts.services import user_set_active

    partner = CreditPartner.objects.select_related("account", "county").get(pk=partner.pk)
    if not scope.region_in_scope(actor, Action.POINTS_POLICY, partner.county):
        raise NotFound()
    user_set_active(actor=actor, user=partner.account, active=active)
    audit.record(
        actor,
        "points.credit.partner.enable" if active else "points.credit.partner.disable",
        partner,
        region=partner.county,
        after={"partner": partner.pk, "active": active},
    )
    return partner


def partners(actor) -> QuerySet[CreditPartner]:
    return (
        CreditPartner.objects.filter(county__in=policy_counties(actor))
        .select_related("account", "county")
        .annotate(active_consents=Count("consents", filter=Q(consents__revoked_at__isnull=True)))
        .order_by("name")
    )


def access_partner(actor, partner_id) -> CreditPartner:
    try:
        return partners(actor).get(pk=partner_id)
    except (CreditPartner.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def recent_reads(actor, limit: int = 50) -> list[AuditEvent]:
    """The latest summary reads by partners in the administrator's counties."""
    counties = list(policy_counties(actor).values_list("pk", flat=True))
    return list(
        AuditEvent.objects.filter(action=READ_ACTION, county_id__in=counties)
        .select_related("actor")
        .order_by("-at")[:limit]
    )


# -- consents (village cadre on written request, or the villager) -------------------------------------------


def villager_household(actor) -> Household | None:
    """The household a villager account belongs to (the first, if several)."""
    ids = scope.targets(actor, "household", Action.POINTS_VIEW_OWN)
    return Household.objects.select_related("village").filter(pk=ids[0]).first() if ids else None


def _is_own_household(actor, household: Household) -> bool:
    return household.pk in scope.targets(actor, "household", role=Role.VILLAGER)


def _is_cadre_of(actor, household: Household) -> bool:
    return scope.in_scope(actor, Action.POINTS_CONFIGURE, household)


def may_manage_consents(actor, household: Household) -> bool:
    return _is_own_household(actor, household) or _is_cadre_of(actor, household)


def county_partners(household: Household) -> QuerySet[CreditPartner]:
    """The active banks and employers of the household's county (none: there is nobody to consent to)."""
    return CreditPartner.objects.filter(county_id=household.county_id, account__is_active=True)


def partners_for_household(household: Household) -> QuerySet[CreditPartner]:
    """Active partners of the household's county it has not consented to yet."""
    return (
        CreditPartner.objects.filter(county_id=household.county_id, account__is_active=True)
        .exclude(pk__in=Consent.objects.filter(household=household, revoked_at__isnull=True).values("partner_id"))
        .order_by("name")
    )


@transaction.atomic
def consent_grant(*, actor, household: Household, partner: CreditPartner, written_request: str = "") -> Consent:
    household = Household.objects.select_for_update().get(pk=household.pk)
    own = _is_own_household(actor, household)
    if not own and not _is_cadre_of(actor, household):
        raise NotFound()
    written_request = (written_request or "").strip()[:200]
    errors = {}
    if not own and not written_request:
        errors["written_request"] = _(
            "A cadre records a consent only on the household's written request: give its date or number."
        )
    partner = CreditPartner.objects.select_related("account").filter(pk=getattr(partner, "pk", None)).first()
    if partner is None or partner.county_id != household.county_id or not partner.account.is_active:
        errors["partner"] = _("Choose a bank or employer of this county.")
    elif Consent.objects.filter(household=household, partner=partner, revoked_at__isnull=True).exists():
        errors["partner"] = _("This household has already consented to this partner.")
    if errors:
        raise DomainError(errors)
    try:
        with transaction.atomic():
            consent = Consent.objects.create(household=household, partner=partner, granted_by=actor)
    except IntegrityError:
        raise DomainError({"partner": _("This household has already consented to this partner.")}) from None
    audit.record(
        actor,
        "points.credit.consent.grant",
        consent,
        region=household,
        target_label=f"{household} → {partner.name}",
        after={
            "household": household.pk,
            "partner": partner.pk,
            "by": "household" if own else "cadre",
            "written_request": written_request,
        },
    )
    return consent


@transaction.atomic
def consent_revoke(*, actor, consent: Consent, reason: str = "") -> Consent:
    consent = Consent.objects.select_for_update().select_related("household", "partner").get(pk=consent.pk)
    household = consent.household
    own = _is_own_household(actor, household)
    if not own and not _is_cadre_of(actor, household):
        raise NotFound()
    if consent.revoked_at is not None:
        raise DomainError(_("This consent was already revoked."))
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at"])
    audit.record(
        actor,
        "points.credit.consent.revoke",
        consent,
        region=household,
        target_label=f"{household} → {consent.partner.name}",
        before={"revoked_at": None},
        after={
            "revoked_at": consent.revoked_at.isoformat(),
            "by": "household" if own else "cadre",
            "reason": (reason or "").strip()[:200],
        },
    )
    return consent


def consents_of_household(actor, household: Household) -> QuerySet[Consent]:
    if not may_manage_consents(actor, household):
        raise NotFound()
    return Consent.objects.filter(household=household).select_related("partner", "granted_by").order_by("-granted_at")


def consents_in_scope(actor) -> QuerySet[Consent]:
    """Consents a cadre may manage (their villages) or a villager's own household's."""
    own = scope.targets(actor, "household", role=Role.VILLAGER)
    q = Q(household_id__in=own) | Q(
        household__in=scope.scope_filter(actor, Action.POINTS_CONFIGURE, Household.objects.all())
    )
    return (
        Consent.objects.filter(q)
        .select_related("partner", "granted_by", "household", "household__village")
        .order_by("revoked_at", "-granted_at")
    )


def access_consent(actor, consent_id) -> Consent:
    try:
        consent = Consent.objects.select_related("household", "partner").get(pk=consent_id)
    except (Consent.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not may_manage_consents(actor, consent.household):
        raise NotFound()
    return consent


def household_for_cadre(actor, village_id, number: str) -> Household:
    """A household of a village the cadre manages, by its household number (户号)."""
    household = (
        Household.objects.filter(village_id=village_id, number=(number or "").strip())
        .filter(scope.scope_q(actor, Action.POINTS_CONFIGURE, Household))
        .first()
    )
    if household is None:
        raise DomainError({"household": _("No household with this number in the village.")})
    return household


# -- the partner's read ----------------------------------------------------------------------------------------


def partner_of(actor) -> CreditPartner | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return CreditPartner.objects.select_related("county").filter(account_id=actor.pk).first()


def _masked_household_name(household: Household) -> str:
    return mask_name(household.head_name or household.number) + "户"


def _scheme_summary(scheme: Scheme, key: str, year: int) -> dict:
    table = calc.standings(scheme, year)
    mine = next((s for s in table if s.key == key), None)
    publication = Publication.objects.filter(scheme=scheme).order_by("-year", "-quarter").first()
    latest = None
    if publication is not None:
        quarter_table = calc.standings(scheme, publication.year, publication.quarter)
        row = next((s for s in quarter_table if s.key == key), None)
        latest = {
            "year": publication.year,
            "quarter": publication.quarter,
            "stars": row.stars if row else 0,
            "black_list": Mentorship.objects.filter(publication=publication, subject_key=key).exists(),
        }
    return {
        "scheme": scheme.name,
        "year": year,
        "score": mine.score if mine else scheme.base_score,
        "rank": mine.rank if mine else None,
        "ranked": len(table),
        "latest_quarter": latest,
    }


@transaction.atomic
def credit_summary(*, actor, household_id=None, village_code: str = "", number: str = "") -> dict:
    """What a consenting household shows a partner; every read is audited. The household is named as it names
    itself to the partner, by its village's code and its 户号 (``household_id``: the older form)."""
    if not scope.can(actor, Action.CREDIT_READ):
        raise PermissionDenied()
    partner = partner_of(actor)
    if partner is None:
        raise PermissionDenied()
    households = Household.objects.select_related("village")
    if household_id is not None:
        household = households.filter(pk=household_id).first()
    else:
        household = households.filter(village__code=(village_code or "").strip(), number=(number or "").strip()).first()
    if (
        household is None
        or household.county_id != partner.county_id
        or not scope.in_scope(actor, Action.CREDIT_READ, household)
    ):
        raise NotFound()
    consent = Consent.objects.filter(household=household, partner=partner, revoked_at__isnull=True).first()
    if consent is None:
        raise NotFound()
    year = timezone.localdate().year
    key = f"h:{household.pk}"
    schemes = Scheme.objects.filter(
        village_id=household.village_id, subject_kind=SubjectKind.HOUSEHOLD, is_active=True
    ).order_by("name")
    summary = {
        "household": _masked_household_name(household),
        "village": household.village.full_name,
        "schemes": [_scheme_summary(scheme, key, year) for scheme in schemes],
    }
    audit.record(
        actor,
        READ_ACTION,
        household,
        target_label=f"{_masked_household_name(household)}（{household.number}）",
        after={"partner": partner.pk, "consent": consent.pk, "schemes": len(summary["schemes"])},
    )
    return summary
