"""Writes of mediation. Every function checks the actor's scope (outside it: NotFound, answered as 404), runs in
one transaction and records an audit event; the steps of a dispute go through core.workflow (which writes the
CaseEvent and its ``casework.*`` audit event). Bad input raises DomainError with a Chinese message, writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.numbering import next_number
from casework.steps import documented
from core import audit, scope, workflow
from core.errors import DomainError, NotFound
from core.fields import Choice, clean_text, clean_value
from core.roles import Action
from core.validators import normalize_phone
from mediation.audit_labels import AuditAction
from mediation.flows import MEDIATION
from mediation.models import (
    REFERRALS,
    Body,
    BodyKind,
    Difficulty,
    Dispute,
    DisputeKind,
    DisputeParty,
    LocalKind,
    Mediator,
    PartyRole,
    Source,
    SubsidyRate,
    Title,
    kind_choices,
)
from regions.models import Region, RegionLevel
from regions.selectors import villages

MAX_AMOUNT = Decimal("999999999999.99")
CONFIRMATION_REMIND_DAYS = 5  # the parties and the mediators are reminded this many days before the window closes


def _text(data: dict, field: str, max_length: int, *, required: bool = True) -> str:
    return clean_text(data.get(field), field, max_length=max_length, required=required)


def _choice(value, choices, field: str, *, required: bool = True) -> str:
    return clean_value(Choice(field, field, options=list(choices), required=required), value) or ""


# -- bodies and their mediators (kept by the county, and by a township for its own and its villages') -----------

BODY_LEVEL = {
    BodyKind.VILLAGE: RegionLevel.VILLAGE,
    BodyKind.TOWNSHIP: RegionLevel.TOWNSHIP,
    BodyKind.COUNTY: RegionLevel.COUNTY,
    BodyKind.THIRD_PARTY: RegionLevel.COUNTY,
}


def _place(body: Body, region: Region) -> None:
    body.county_id = region.pk if region.level == RegionLevel.COUNTY else region.county_id
    body.township_id = region.pk if region.level == RegionLevel.TOWNSHIP else region.township_id
    body.village_id = region.pk if region.level == RegionLevel.VILLAGE else None


def _configurable(actor, region: Region) -> None:
    if region is None or not scope.region_in_scope(actor, Action.MEDIATION_CONFIGURE, region):
        raise NotFound()


def _body_values(data: dict) -> dict:
    kind = _choice(data.get("kind"), BodyKind.choices, "kind")
    field = _choice(data.get("field"), DisputeKind.choices, "field", required=False)
    if kind != BodyKind.COUNTY:
        field = ""
    return {
        "kind": kind,
        "name": _text(data, "name", 80),
        "field": field,
        "address": _text(data, "address", 120, required=False),
        "phone": _text(data, "phone", 20, required=False),
    }


@transaction.atomic
def body_create(*, actor, region: Region, **data) -> Body:
    """A mediation body at ``region``: a village committee at a village, a centre at a township, a specialised
    committee or the third-party centre at the county."""
    _configurable(actor, region)
    values = _body_values(data)
    if BODY_LEVEL[values["kind"]] != region.level:
        raise DomainError(
            {
                "region": _("This kind of body belongs to a %(level)s.")
                % {"level": RegionLevel(BODY_LEVEL[values["kind"]]).label}
            }
        )
    body = Body(**values)
    _place(body, region)
    if Body.objects.filter(county_id=body.county_id, name=body.name).exists():
        raise DomainError({"name": _("The county has a body of this name already.")})
    body.save()
    audit.record(actor, AuditAction.BODY_CREATE, body, after=values)
    return body


@transaction.atomic
def body_update(*, actor, body: Body, active: bool = True, **data) -> Body:
    body = Body.objects.select_for_update().get(pk=body.pk)
    _configurable(actor, body.level_region)
    values = _body_values({"kind": body.kind, **data})
    values["active"] = bool(active)
    if Body.objects.filter(county_id=body.county_id, name=values["name"]).exclude(pk=body.pk).exists():
        raise DomainError({"name": _("The county has a body of this name already.")})
    before = {k: getattr(body, k) for k in values}
    for key, value in values.items():
        setattr(body, key, value)
    body.save()
    audit.record(actor, AuditAction.BODY_UPDATE, body, before=before, after=values)
    return body


def _mediator_values(body: Body, data: dict) -> dict:
    from accounts.models import User

    values = {
        "name": _text(data, "name", 50),
        "title": _choice(data.get("title"), Title.choices, "title"),
        "phone": _text(data, "phone", 20, required=False),
        "expertise": _text(data, "expertise", 200, required=False),
        "profile": _text(data, "profile", 200, required=False),
        "available": bool(data.get("available", True)),
        "active": bool(data.get("active", True)),
    }
    if values["phone"]:
        try:
            values["phone"] = normalize_phone(values["phone"])
        except ValueError:
            raise DomainError({"phone": _("Enter a valid phone number.")}) from None
    username = str(data.get("username") or "").strip()
    values["user"] = None
    if username:
        values["user"] = User.objects.filter(username=username, is_active=True).first()
        if values["user"] is None:
            raise DomainError({"username": _("No active account has this user name.")})
    return values


@transaction.atomic
def mediator_add(*, actor, body: Body, **data) -> Mediator:
    _configurable(actor, body.level_region)
    values = _mediator_values(body, data)
    if values["user"] and Mediator.objects.filter(body=body, user=values["user"]).exists():
        raise DomainError({"username": _("This account is in the body's pool already.")})
    mediator = Mediator.objects.create(body=body, county_id=body.county_id, **values)
    audit.record(actor, AuditAction.MEDIATOR_CREATE, mediator, region=body.level_region, after=_plain(values))
    return mediator


@transaction.atomic
def mediator_update(*, actor, mediator: Mediator, **data) -> Mediator:
    mediator = Mediator.objects.select_for_update().select_related("body").get(pk=mediator.pk)
    _configurable(actor, mediator.body.level_region)
    values = _mediator_values(mediator.body, data)
    if (
        values["user"]
        and Mediator.objects.filter(body=mediator.body, user=values["user"]).exclude(pk=mediator.pk).exists()
    ):
        raise DomainError({"username": _("This account is in the body's pool already.")})
    before = _plain({k: getattr(mediator, k) for k in values})
    for key, value in values.items():
        setattr(mediator, key, value)
    mediator.save()
    audit.record(
        actor,
        AuditAction.MEDIATOR_UPDATE,
        mediator,
        region=mediator.body.level_region,
        before=before,
        after=_plain(values),
    )
    return mediator


def _plain(values: dict) -> dict:
    return {k: (getattr(v, "username", v) if k == "user" else v) for k, v in values.items()}


# -- the county's subsidy table (以案定补) ---------------------------------------------------------------------------


@transaction.atomic
def subsidy_rate_set(*, actor, county: Region, kind="", difficulty, amount) -> SubsidyRate | None:
    """Set the subsidy per case for a type (blank: any type) and difficulty; a blank amount removes the rate."""
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    _configurable(actor, county)
    kind = _choice(kind, DisputeKind.choices, "kind", required=False)
    difficulty = _choice(difficulty, Difficulty.choices, "difficulty")
    found = SubsidyRate.objects.select_for_update().filter(county=county, kind=kind, difficulty=difficulty).first()
    before = {"amount": str(found.amount)} if found else None
    if amount in (None, ""):
        if found is not None:
            found.delete()
            audit.record(
                actor, AuditAction.SUBSIDY_RATE, county, before=before, after=None, note=f"{kind or '*'}/{difficulty}"
            )
        return None
    value = _amount(amount, field="amount")
    if value is None or value > Decimal("999999.99"):
        raise DomainError({"amount": _("Give an amount in yuan, e.g. 3000 or 3000.50.")})
    if found is None:
        found = SubsidyRate(county=county, kind=kind, difficulty=difficulty, amount=value)
    found.amount = value
    found.save()
    audit.record(
        actor,
        AuditAction.SUBSIDY_RATE,
        county,
        before=before,
        after={"amount": str(value)},
        note=f"{kind or '*'}/{difficulty}",
    )
    return found


# -- types of dispute a county adds -------------------------------------------------------------------------------


@transaction.atomic
def local_kind_set(*, actor, county: Region, code, name, active=True) -> LocalKind:
    """Add a type of dispute to the county's list, or rename or retire one it added (national types stay)."""
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    _configurable(actor, county)
    code = _text({"code": code}, "code", 16).lower()
    if not code.replace("_", "").replace("-", "").isascii() or not code.replace("_", "").replace("-", "").isalnum():
        raise DomainError({"code": _("A code has letters, digits, - and _ only, e.g. grassland.")})
    if code in DisputeKind.values:
        raise DomainError({"code": _("This code is a national type of dispute already.")})
    values = {"name": _text({"name": name}, "name", 40), "active": bool(active)}
    found = LocalKind.objects.select_for_update().filter(county=county, code=code).first()
    before = {"name": found.name, "active": found.active} if found else None
    if found is None:
        found = LocalKind(county=county, code=code)
    found.name, found.active = values["name"], values["active"]
    found.save()
    audit.record(actor, AuditAction.LOCAL_KIND, county, before=before, after=values, note=code)
    return found


# -- a dispute: intake --------------------------------------------------------------------------------------------


def _parties(village: Region, parties, *, link_people: bool) -> list[DisputeParty]:
    from registry.models import Person

    rows = []
    for i, p in enumerate(parties or []):
        p = p if isinstance(p, dict) else p.__dict__
        where = f"parties.{i}"
        role = _choice(p.get("role"), PartyRole.choices, where)
        name = _text(p, "name", 50) if str(p.get("name") or "").strip() else ""
        person = None
        if p.get("person") and link_people:  # staff link a resident of the registry; a villager types names
            person = scope.fetch(Person.objects.filter(village=village), p["person"])
            name = name or person.name
        if not name:
            raise DomainError({where: _("Give each party's name.")})
        phone = _text(p, "phone", 20, required=False)
        if phone:
            try:
                phone = normalize_phone(phone)
            except ValueError:
                raise DomainError({where: _("Enter a valid phone number for %(name)s.") % {"name": name}}) from None
        account = getattr(person, "user", None) if person is not None else None
        rows.append(
            DisputeParty(
                role=role,
                name=name,
                phone=phone,
                address=_text(p, "address", 120, required=False),
                person=person,
                user=account,
            )
        )
    roles = {r.role for r in rows}
    if PartyRole.APPLICANT not in roles or PartyRole.RESPONDENT not in roles:
        raise DomainError({"parties": _("A dispute has at least an applicant and a respondent.")})
    if len(rows) > 20:
        raise DomainError({"parties": _("At most 20 parties.")})
    return rows


def _amount(value, field: str = "amount"):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError({field: _("Give an amount in yuan, e.g. 3000 or 3000.50.")}) from None
    if amount.is_finite() and amount < 0:
        raise DomainError({field: _("The amount cannot be negative.")})
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise DomainError({field: _("Give an amount in yuan, e.g. 3000 or 3000.50.")})
    return amount


def _received_on(value) -> date:
    today = timezone.localdate()
    if value in (None, ""):
        return today
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError({"received_on": _("Give a date as YYYY-MM-DD, e.g. 2026-12-01.")}) from None
    if day > today or day < today - timedelta(days=366):
        raise DomainError({"received_on": _("The date must lie within the past year and not in the future.")})
    return day


def _number(county_id: int, day: date) -> str:
    county = Region.objects.get(pk=county_id)
    return next_number(Dispute, region_id=county_id, prefix=f"{county.code}-{day.year}-", width=5)


def intake_bodies(village: Region):
    """The bodies a dispute of this village may go to: its village committee, its township's centre, the county's."""
    from django.db.models import Q

    return Body.objects.filter(
        Q(village=village)
        | Q(township_id=village.township_id, village__isnull=True)
        | Q(county_id=village.county_id, township__isnull=True),
        active=True,
    ).order_by("kind", "name")


@transaction.atomic
def dispute_record(
    *,
    actor,
    village: Region,
    title,
    kind,
    facts,
    source=Source.WALK_IN,
    claims="",
    amount=None,
    body=None,
    preferred=None,
    parties=(),
    referral_body="",
    referral_number="",
    incident=None,
    received_on=None,
    now=None,
) -> Dispute:
    """Record a dispute (受理 follows at the body). A mediator, a grid worker or a cadre records it for the
    village (排查, 来访, referrals, a grid incident); a villager applies for their own dispute, as its applicant."""
    if village is None or village.level != RegionLevel.VILLAGE:
        raise NotFound()
    staff = villages(actor, Action.MEDIATION_INTAKE).filter(pk=village.pk).exists()
    own = not staff and villages(actor, Action.MEDIATION_APPLY).filter(pk=village.pk).exists()
    if not staff and not own:
        raise NotFound()
    data = {
        "title": title,
        "facts": facts,
        "claims": claims,
        "referral_body": referral_body,
        "referral_number": referral_number,
    }
    values = {
        "title": _text(data, "title", 100),
        "kind": _choice(kind, kind_choices(village.county_id), "kind"),
        "facts": _text(data, "facts", 4000),
        "claims": _text(data, "claims", 2000, required=False),
        "amount": _amount(amount),
        "source": Source.APPLICATION if own else _choice(source, Source.choices, "source"),
        "received_on": _received_on(received_on),
    }
    if values["source"] in REFERRALS:
        values["referral_body"] = _text(data, "referral_body", 80)
        values["referral_number"] = _text(data, "referral_number", 60)
    if incident is not None:
        from incidents import selectors as incident_selectors

        incident = incident_selectors.get(actor, getattr(incident, "pk", incident))
        if incident.village_id != village.pk:
            raise DomainError({"incident": _("The grid incident is of another village.")})
        values["source"] = Source.INCIDENT
    elif values["source"] == Source.INCIDENT:
        raise DomainError({"source": _("A dispute from a grid incident is recorded from the incident's page.")})
    bodies = intake_bodies(village)
    if body is None:
        body = bodies.filter(kind=BodyKind.VILLAGE).first() or bodies.first()
        if body is None:
            raise DomainError({"body": _("No mediation body serves this village yet; ask the county to add one.")})
    else:
        body = bodies.filter(pk=getattr(body, "pk", body)).first()
        if body is None:
            raise DomainError({"body": _("Choose one of the options.")})
    if preferred not in (None, ""):
        preferred = Mediator.objects.filter(pk=getattr(preferred, "pk", preferred), body=body, active=True).first()
        if preferred is None:
            raise DomainError({"preferred": _("Choose a mediator of the body the dispute goes to.")})
    rows = _parties(village, parties, link_people=staff)
    if own:
        # the villager applies for their own dispute: they are its applicant
        applicant = next(r for r in rows if r.role == PartyRole.APPLICANT)
        applicant.user = actor
    dispute = Dispute(body=body, preferred=preferred or None, incident=incident, recorded_by=actor, **values)
    dispute.place_in(village)
    dispute.number = _number(village.county_id, values["received_on"])
    try:
        with transaction.atomic():
            workflow.start(actor=actor, case=dispute, flow=MEDIATION, note=values["title"], now=now)
    except IntegrityError:
        raise DomainError(_("Someone recorded a dispute at the same moment; please send it again.")) from None
    for row in rows:
        row.dispute = dispute
    DisputeParty.objects.bulk_create(rows)
    audit.record(
        actor,
        AuditAction.DISPUTE_RECORD,
        dispute,
        after={"number": dispute.number, "body": body.name, "source": values["source"]},
    )
    return dispute


# a dispute's declared steps (mediation/flows.py); evidence and minutes are PDFs or images, checked by content
dispute_step = documented(MEDIATION)

# -- the 30-day window of judicial confirmation (人民调解法 Art. 33) -----------------------------------------------


def remind_confirmation(report, now) -> int:
    """After each deadline run: tell the parties and the mediators of an agreement whose window for judicial
    confirmation closes within CONFIRMATION_REMIND_DAYS days, once, while nothing is recorded."""
    from core import notifications
    from mediation import people

    today = timezone.localdate(now)
    first = today - timedelta(days=30)
    rows = Dispute.objects.filter(
        flow=MEDIATION.name,
        state="in_effect",
        confirmation="",
        confirmation_reminded=False,
        effective_on__gte=first,
        effective_on__lte=first + timedelta(days=CONFIRMATION_REMIND_DAYS),
    )
    count = 0
    for dispute in rows:
        with transaction.atomic():
            if not Dispute.objects.filter(pk=dispute.pk, confirmation_reminded=False).update(
                confirmation_reminded=True
            ):
                continue
            users = set(people.disputant_ids(dispute)) | set(people.mediator_ids(dispute))
            text = _(
                "Dispute %(number)s: the parties may jointly apply to the court for judicial confirmation of the "
                "agreement until %(day)s (人民调解法 Art. 33)."
            ) % {"number": dispute.number, "day": dispute.confirmation_due.isoformat()}
            if users:
                notifications.notify(
                    sorted(users),
                    kind="mediation",
                    text=text,
                    url=dispute.get_absolute_url(),
                    key=f"mediation:confirm:{dispute.pk}",
                )
            audit.record(None, AuditAction.CONFIRMATION_REMIND, dispute, note=text)
            count += 1
    return count
