"""Credit endpoints under /api/points (积分授信): the same services and selectors as the pages."""

from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from core import scope
from core.api_types import Id, RegionCode
from core.errors import NotFound
from core.roles import Action
from points import credit
from points.models import Consent, CreditPartner
from regions.models import Region
from registry.models import Household

router = Router(tags=["points"])


class CreditLatestQuarterOut(Schema):
    year: int
    quarter: int
    stars: int
    black_list: bool


class CreditSchemeSummaryOut(Schema):
    scheme: str
    year: int
    score: Decimal
    rank: int | None
    ranked: int
    latest_quarter: CreditLatestQuarterOut | None


class CreditSummaryOut(Schema):
    household: str
    village: str
    schemes: list[CreditSchemeSummaryOut]


class CreditPartnerOut(Schema):
    id: int
    name: str
    kind: str
    county_id: int
    username: str
    active: bool

    @staticmethod
    def resolve_username(partner: CreditPartner) -> str:
        return partner.account.username

    @staticmethod
    def resolve_active(partner: CreditPartner) -> bool:
        return partner.account.is_active


class CreditPartnerIn(Schema):
    county_id: Id
    name: str
    kind: str
    username: str
    password: str


class CreditConsentOut(Schema):
    id: int
    household_id: int
    partner_id: int
    partner_name: str
    granted_at: datetime
    revoked_at: datetime | None

    @staticmethod
    def resolve_partner_name(consent: Consent) -> str:
        return consent.partner.name


class CreditConsentIn(Schema):
    partner_id: Id
    household_id: Id | None = None
    written_request: str = ""


# -- credit ----------------------------------------------------------------------------------------------------


@router.get(
    "/credit/households/{int:household_id}/summary",
    response=CreditSummaryOut,
    summary=gettext_lazy("Points summary of a consenting household (credit partners only)"),
    description=gettext_lazy(
        "Masked name, village and, per household scheme, this year's score and rank and the latest "
        "published quarter's stars and black list. 404 unless the household has an active consent for the "
        "caller's partner. Every read is audited."
    ),
)
def credit_household_summary(request, household_id: Id):
    return credit.credit_summary(actor=request.user, household_id=household_id)


@router.get(
    "/credit/villages/{village_code}/households/{number}/summary",
    response=CreditSummaryOut,
    summary=gettext_lazy(
        "Points summary of a consenting household by its village code and 户号 (credit partners only)"
    ),
    description=gettext_lazy(
        "The household gives the partner its village code and household number (户号), as its consent "
        "page shows them. Same summary, rules and audit as by id: 404 unless the household has an active consent "
        "for the caller's partner."
    ),
)
def credit_household_summary_by_number(request, village_code: RegionCode, number: str):
    return credit.credit_summary(actor=request.user, village_code=village_code[:40], number=number[:32])


@router.get(
    "/credit/partners", response=list[CreditPartnerOut], summary=gettext_lazy("Credit partners (county administrators)")
)
def credit_partner_list(request):
    scope.require(request.user, Action.POINTS_POLICY)
    return list(credit.partners(request.user))


@router.post(
    "/credit/partners", response={201: CreditPartnerOut}, summary=gettext_lazy("Register a partner with its account")
)
def credit_partner_create(request, payload: CreditPartnerIn):
    scope.require(request.user, Action.POINTS_POLICY)
    county = scope.fetch(Region.objects.all(), payload.county_id)
    return 201, credit.partner_create(actor=request.user, county=county, **payload.dict(exclude={"county_id"}))


@router.get(
    "/credit/consents",
    response=list[CreditConsentOut],
    summary=gettext_lazy("Consents of the own household or the villages"),
)
def credit_consent_list(request):
    return list(credit.consents_in_scope(request.user)[:500])


@router.post(
    "/credit/consents",
    response={201: CreditConsentOut},
    summary=gettext_lazy("Give consent (villager) or record it (cadre)"),
)
def credit_consent_create(request, payload: CreditConsentIn):
    if payload.household_id is None:
        household = credit.villager_household(request.user)
        if household is None:
            raise NotFound()
    else:
        household = Household.objects.filter(pk=payload.household_id).first()
        if household is None or not credit.may_manage_consents(request.user, household):
            raise NotFound()
    partner = CreditPartner.objects.filter(pk=payload.partner_id).first()
    consent = credit.consent_grant(
        actor=request.user, household=household, partner=partner, written_request=payload.written_request
    )
    return 201, consent


@router.post(
    "/credit/consents/{int:consent_id}/revoke", response=CreditConsentOut, summary=gettext_lazy("Revoke a consent")
)
def credit_consent_revoke(request, consent_id: Id):
    consent = credit.access_consent(request.user, consent_id)
    return credit.consent_revoke(actor=request.user, consent=consent)


class CreditPartnerActiveIn(Schema):
    active: bool


@router.post(
    "/credit/partners/{int:partner_id}/active",
    response=CreditPartnerOut,
    summary=gettext_lazy("Suspend (active=false) or restore a credit partner: its account is disabled or enabled"),
)
def credit_partner_set_active(request, partner_id: Id, payload: CreditPartnerActiveIn):
    scope.require(request.user, Action.POINTS_POLICY)
    partner = credit.access_partner(request.user, partner_id)
    p = credit.partner_set_active(actor=request.user, partner=partner, active=payload.active)
    p.account.refresh_from_db()
    return p
