"""村级证明 (village certificates): only the kinds on the county's list (``CertificateKind``, 罗江 cut them to 4) can be
asked for; anything else is refused with the reason and the list. Every certificate goes through a service request
(the counter makes the request and completes it): completing a request for an item that issues a certificate
(``Item.certificate``) generates it from the registry, never retyped: numbered ``<village code>-<year>-<seq>``,
printable with the seal place, and verifiable by its number on a public page that shows no personal detail beyond
the masked name.

Writes (``certificate_request``, ``issue_for_request``) check the actor's scope, run in one transaction and record
an audit event; reads (``visible``, ``certificate_for``, ``issued``, ``verify``) are scoped to the actor (the public
``verify`` answers only the facts a holder of the paper already has).
"""

from __future__ import annotations

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.numbering import next_number
from core import audit, scope
from core.errors import DomainError, NotFound
from core.fields import Text, clean_value
from core.masking import mask_name
from core.roles import Action
from doorstep import people
from doorstep.audit_labels import AuditAction
from doorstep.models import Certificate, CertificateKind, Consent, Item, ServiceRequest
from regions.models import Region
from registry.importing.layout import GENDER_LABELS, RELATION_LABELS
from registry.models import Household, Person

# How long a certificate is valid from the day it is issued: three calendar months, as the receiving offices in
# Sichuan usually accept a village certificate (a certificate says it on its face; verification shows it).
VALID_MONTHS = 3

# The certificates' fixed wording is Chinese data, as the paper handed to an office is, whatever language the
# interface is in (like mediation/documents.py); relations and genders read as the registry's workbook writes them.

NUMBER_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,31}$")


# -- the county's list ------------------------------------------------------------------------------------------


def kinds_in_force(county_id: int, day: date | None = None) -> list[CertificateKind]:
    """The certificates a village of the county may issue on the day."""
    day = day or timezone.localdate()
    rows = CertificateKind.objects.filter(county_id=county_id, admitted_on__lte=day).filter(
        Q(retired_on__isnull=True) | Q(retired_on__gt=day)
    )
    return list(rows.order_by("code"))


def _names(kinds) -> str:
    return "、".join(f"“{k.name}”" for k in kinds)


def _not_in_force(kind: CertificateKind, day: date) -> DomainError:
    """The reason a kind on the county's list (once, or later) cannot be asked for on the day."""
    others = [k for k in kinds_in_force(kind.county_id, day) if k.pk != kind.pk]
    values = {"name": kind.name, "kinds": _names(others)}
    if kind.admitted_on > day:
        values["day"] = kind.admitted_on.isoformat()
        if others:
            message = _(
                "The county's list of certificates a village may issue does not include “%(name)s” until %(day)s; "
                "ask for %(kinds)s instead."
            )
        else:
            message = _(
                "The county's list of certificates a village may issue does not include “%(name)s” until %(day)s."
            )
    else:
        values["day"] = kind.retired_on.isoformat()
        if others:
            message = _(
                "The county's list of certificates a village may issue does not include “%(name)s” since %(day)s; "
                "ask for %(kinds)s instead."
            )
        else:
            message = _(
                "The county's list of certificates a village may issue does not include “%(name)s” since %(day)s."
            )
    return DomainError({"kind": message % values})


def _not_on_list(county_id: int, asked: str, day: date) -> DomainError:
    kinds = kinds_in_force(county_id, day)
    if not kinds:
        message = _(
            "A village (community) issues only the certificates on the county's list, and the list is empty now: "
            "“%(asked)s” cannot be issued by the village."
        )
    else:
        message = _(
            "A village (community) issues only the certificates on the county's list: “%(asked)s” is not on it. "
            "The list: %(kinds)s. Other facts are certified or checked by the office concerned."
        )
    return DomainError({"kind": message % {"asked": asked, "kinds": _names(kinds)}})


def item_for_kind(kind: CertificateKind, day: date) -> Item:
    """The county's catalogue item in force that issues this kind of certificate."""
    items = (
        Item.objects.filter(county_id=kind.county_id, certificate=kind, current__isnull=False, admitted_on__lte=day)
        .filter(Q(retired_on__isnull=True) | Q(retired_on__gt=day))
        .select_related("current")
        .order_by("order", "code")
    )
    item = items.first()
    if item is None:
        raise DomainError(
            {
                "kind": _("No item of the catalogue issues “%(name)s” now; ask the county to add one.")
                % {"name": kind.name}
            }
        )
    return item


def county_list(actor, day: date | None = None) -> list[dict]:
    """The county's list as the actor's page shows it: each kind in force in the counties the actor makes requests
    in, with the catalogue item that issues it (None when none does yet)."""
    day = day or timezone.localdate()
    counties = set(scope.county_ids(actor, Action.SERVICE_HANDLE)) | set(scope.county_ids(actor, Action.SERVICE_APPLY))
    served = people.serving_villages(actor)
    if served:
        counties |= set(Region.objects.filter(pk__in=served).values_list("county_id", flat=True))
    rows = []
    for county_id in sorted(counties):
        for kind in kinds_in_force(county_id, day):
            try:
                item = item_for_kind(kind, day)
            except DomainError:
                item = None
            rows.append({"kind": kind, "item": item})
    return rows


# -- the checks ---------------------------------------------------------------------------------------------------


def _person(value) -> Person | None:
    pk = getattr(value, "pk", value)
    if pk in (None, "") or isinstance(pk, bool):
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return Person.objects.filter(pk=pk).select_related("household", "village").first()


def _in_reach(actor, person: Person) -> str | None:
    """How the actor may ask for a certificate for this person ("counter", "agent", "villager"), or None."""
    from doorstep.services import acting_as

    how = acting_as(actor, person.village_id)
    if how == "villager" and not scope.in_scope(actor, Action.SERVICE_APPLY, person.household):
        return None
    return how


def _registry_checks(person: Person, *, village_id: int | None = None) -> None:
    """The registry must record the person, living, in a household of the village (the one that certifies)."""
    household = person.household
    if (
        household is None
        or household.village_id != person.village_id
        or (village_id is not None and person.village_id != village_id)
    ):
        raise DomainError(
            {
                "person": _(
                    "The village's registry does not record %(name)s in a household of the village: a village "
                    "certifies only residents of its own registry."
                )
                % {"name": person.name}
            }
        )
    if person.is_deceased:
        raise DomainError(
            {
                "person": _(
                    "The registry records %(name)s as deceased: a village certificate is issued only for a living "
                    "resident."
                )
                % {"name": person.name}
            }
        )


def check_request(item, person, *, actor=None, day: date | None = None) -> None:
    """Before a request for an item that issues a certificate (doorstep.services.request_make): the kind must be on
    the county's list on the day; the person, when in the actor's reach, must be a living member of a household in
    the village's registry. Without an actor the person's checks are left to the request's own (made after its scope
    check), so nothing is told about a person outside the actor's scope."""
    day = day or timezone.localdate()
    kind = item.certificate if item.certificate_id else None
    if kind is None:
        return
    if not kind.in_force(day):
        raise _not_in_force(kind, day)
    if actor is None:
        return
    row = _person(person)
    if row is None or _in_reach(actor, row) is None:
        raise NotFound()
    if row.county_id != kind.county_id:
        raise DomainError({"person": _("Choose a member of the household.")})
    _registry_checks(row)


# -- the counter's request ----------------------------------------------------------------------------------------


@transaction.atomic
def certificate_request(actor, kind_code, person, purpose="", *, consent="", details="", now=None) -> ServiceRequest:
    """A request for a certificate of the county's list, by its code or name (``residence`` or 居住证明): the
    county's item in force for the kind is requested through doorstep.services.request_make. A kind not on the list
    (无犯罪记录证明, 婚姻状况证明, any free text) is refused with the reason and the list; so is a person outside the
    villages the actor serves. At the counter the villager is there in person: the consent defaults to that."""
    from doorstep import services

    now = now or timezone.now()
    day = timezone.localdate(now)
    row = _person(person)
    how = _in_reach(actor, row) if row is not None else None
    if how is None:
        # the same answer for a person missing and one outside the actor's villages: nothing is told about them
        raise DomainError(
            {
                "person": _(
                    "This person is not in the registry of a village you serve: a village certifies only the "
                    "residents of its own registry; ask the village where they are registered."
                )
            }
        )
    asked = clean_value(Text("kind", "kind", max_length=60, multiline=False), kind_code)
    purpose = clean_value(Text("purpose", "purpose", max_length=100, multiline=False), purpose)
    kind = (
        CertificateKind.objects.filter(county_id=row.county_id)
        .filter(Q(code__iexact=asked) | Q(name=asked))
        .order_by("code")
        .first()
    )
    if kind is None:
        raise _not_on_list(row.county_id, asked, day)
    if not kind.in_force(day):
        raise _not_in_force(kind, day)
    _registry_checks(row)
    item = item_for_kind(kind, day)
    if how == "counter" and not consent:
        consent = Consent.IN_PERSON
    return services.request_make(
        actor=actor,
        item=item,
        household=row.household_id,
        person=row,
        consent=consent,
        details=details,
        purpose=purpose,
        now=now,
    )


# -- generating the certificate -----------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _community(village: Region) -> bool:
    return village.name.endswith("社区") or village.kind_label == "社区"


def committee_name(village: Region) -> str:
    """村民委员会, or 居民委员会 for a community (社区)."""
    if _community(village):
        return f"{village.name}居民委员会"
    return f"{village.name}村民委员会"


def _number(village: Region, day: date) -> str:
    # the village's row is the lock: two certificates of the village issued at once get consecutive numbers
    return next_number(Certificate, region_id=village.pk, prefix=f"{village.code}-{day:%Y}-", width=4)


def _id_text(person: Person) -> str:
    return person.id_number_masked or "未登记"


def _who(person: Person) -> str:
    return f"{person.name}（{GENDER_LABELS.get(person.gender, '')}，公民身份号码：{_id_text(person)}）"


def _ours(village: Region) -> str:
    return "本社区" if _community(village) else "本村"


def _household_text(household: Household, village: Region, *, full: bool = False) -> str:
    """本村第0001户（户主：王建国）, or with the village's full name: the household as the registry records it."""
    group = household.group.name if household.group_id else ""
    head = household.head_name or "—"
    where = village.full_name if full else _ours(village)
    return f"{where}{group}第{household.number}户（户主：{head}）"


def _address(household: Household, village: Region) -> str:
    group = household.group.name if household.group_id else ""
    return household.address or f"{village.full_name}{group}"


def _members(household: Household) -> list[Person]:
    order = {r: i for i, r in enumerate(RELATION_LABELS)}
    rows = list(Person.objects.filter(household=household, is_deceased=False).order_by("id"))
    return sorted(rows, key=lambda p: (order.get(p.relation, len(order)), p.birth_date or date.max, p.pk))


def _member_lines(members: list[Person]) -> str:
    return "\n".join(
        f"{i}. {p.name}，{RELATION_LABELS.get(p.relation, '其他')}，{GENDER_LABELS.get(p.gender, '')}，"
        f"公民身份号码：{_id_text(p)}"
        for i, p in enumerate(members, 1)
    )


def _residence(person, household, village, kind) -> str:
    resident = "居民" if _community(village) else "村民"
    return (
        f"兹证明{_who(person)}，系{village.full_name}{resident}，户籍登记于{_household_text(household, village)}。"
        f"经核查{_ours(village)}基础信息登记，{person.name}现居住于{_address(household, village)}。"
    )


def _kinship(person, household, village, kind) -> str:
    relation = RELATION_LABELS.get(person.relation, "其他")
    return (
        f"兹证明{_who(person)}系{_household_text(household, village, full=True)}家庭成员，"
        f"与户主的关系为：{relation}。经核查{_ours(village)}基础信息登记，该户成员及与户主的关系如下：\n"
        f"{_member_lines(_members(household))}"
    )


def _household_members(person, household, village, kind) -> str:
    members = _members(household)
    return (
        f"兹证明{_household_text(household, village, full=True)}，家庭住址：{_address(household, village)}。"
        f"经核查{_ours(village)}基础信息登记，该户现有家庭成员{len(members)}人，情况如下：\n"
        f"{_member_lines(members)}\n申请人：{person.name}。"
    )


def _collective_member(person, household, village, kind) -> str:
    return (
        f"兹证明{_who(person)}，户籍登记于{_household_text(household, village, full=True)}。"
        f"经核查{_ours(village)}基础信息登记，{person.name}系{village.name}集体经济组织成员。"
    )


def _generic(person, household, village, kind) -> str:
    relation = RELATION_LABELS.get(person.relation, "其他")
    return (
        f"兹证明{_who(person)}系{_household_text(household, village, full=True)}家庭成员，"
        f"与户主的关系为：{relation}，家庭住址：{_address(household, village)}。"
        f"以上情况经核查{_ours(village)}基础信息登记属实。"
    )


# the text of each kind, by the kind's code (CertificateKind.code); any other code gets the generic text
COMPOSERS = {
    "residence": _residence,
    "kinship": _kinship,
    "household_members": _household_members,
    "collective_member": _collective_member,
}


def compose(kind: CertificateKind, person: Person, *, purpose: str, valid_until: date | None) -> str:
    """The certificate's text from the registry: the person, their household and village as recorded, the masked ID
    number only (never the full one)."""
    household = person.household
    village = Region.objects.select_related("county", "township").get(pk=household.village_id)
    body = COMPOSERS.get(kind.code, _generic)(person, household, village, kind)
    lines = [body]
    if purpose:
        lines.append(f"此证明仅用于：{purpose}。")
    if valid_until:
        lines.append(f"本证明有效期至{valid_until.year}年{valid_until.month}月{valid_until.day}日。")
    lines.append("特此证明。")
    return "\n".join(lines)


def issue_for_request(case: ServiceRequest, *, actor, now=None) -> Certificate:
    """When a certificate request is completed (the ``complete`` step's effect, in its transaction): the certificate
    generated from the registry. Refused (DomainError, the request stays in hand) when the kind has left the
    county's list or the registry no longer records the person as a living resident of the request's village.
    A request redone (返工) and completed again gets its certificate generated again, under the same number."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    item = case.item
    kind = CertificateKind.objects.filter(pk=item.certificate_id).first()
    if kind is None:
        raise DomainError(_("This item issues no certificate."))
    if not kind.in_force(day):
        raise _not_in_force(kind, day)
    person = Person.objects.select_related("household", "household__group").get(pk=case.person_id)
    _registry_checks(person, village_id=case.village_id)
    valid_until = add_months(day, VALID_MONTHS)
    text = compose(kind, person, purpose=case.purpose, valid_until=valid_until)
    existing = Certificate.objects.select_for_update().filter(request=case).first()
    if existing is not None:
        before = {"text": existing.text, "issued_at": existing.issued_at.isoformat(), "kind": existing.kind.name}
        existing.kind = kind
        existing.person = person
        existing.purpose = case.purpose
        existing.text = text
        existing.issued_at = now
        existing.issued_by = actor
        existing.valid_until = valid_until
        existing.save()
        audit.record(
            actor,
            AuditAction.CERTIFICATE_ISSUE,
            existing,
            before=before,
            after={"number": existing.number, "kind": kind.name, "request": case.number, "reissued": True},
        )
        return existing
    village = Region.objects.get(pk=case.village_id)
    certificate = Certificate(
        county_id=case.county_id,
        township_id=case.township_id,
        village_id=case.village_id,
        kind=kind,
        request=case,
        person=person,
        purpose=case.purpose,
        text=text,
        issued_at=now,
        issued_by=actor,
        valid_until=valid_until,
    )
    certificate.number = _number(village, day)
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        raise DomainError(_("Someone issued a certificate at the same moment; please complete it again.")) from None
    audit.record(
        actor,
        AuditAction.CERTIFICATE_ISSUE,
        certificate,
        after={
            "number": certificate.number,
            "kind": kind.name,
            "request": case.number,
            "person": person.pk,
            "valid_until": valid_until.isoformat(),
        },
    )
    return certificate


# -- reads --------------------------------------------------------------------------------------------------------


def _base() -> QuerySet:
    return Certificate.objects.select_related("kind", "village", "township", "county", "person", "request", "issued_by")


def visible(actor) -> QuerySet:
    """The certificates the actor may see: those of the villages they handle requests in, those of the requests
    they made or filed on a villager's behalf or took as its agent, and their own."""
    if actor is None or not actor.is_authenticated:
        return Certificate.objects.none()
    q = (
        Q(request__applicant_id=actor.pk)
        | Q(request__on_behalf=True, request__recorded_by_id=actor.pk)
        | Q(request__agent__user_id=actor.pk)
        | Q(person__user_id=actor.pk)
    )
    served = people.serving_villages(actor)
    if served:
        q |= Q(village_id__in=served, request__item_version__agent_may=True)
    if scope.can(actor, Action.SERVICE_HANDLE):
        q |= scope.scope_q(actor, Action.SERVICE_HANDLE, Certificate)
    return _base().filter(q)


def may_list(actor) -> bool:
    """The list of certificates issued is for those handling requests (the counter)."""
    return scope.can(actor, Action.SERVICE_HANDLE)


def issued(actor, *, q: str = "") -> QuerySet:
    """The certificates issued in the actor's villages (doorstep.handle), newest first; searched by number or
    name."""
    if not may_list(actor):
        return Certificate.objects.none()
    rows = _base().filter(scope.scope_q(actor, Action.SERVICE_HANDLE, Certificate))
    q = (q or "").strip()[:40]
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(person__name__icontains=q))
    return rows.order_by("-issued_at", "-pk")


def certificate_for(actor, pk) -> Certificate:
    """One certificate for the actor, NotFound when missing or not theirs to see."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    found = visible(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def clean_number(raw) -> str:
    value = (raw or "").strip() if isinstance(raw, str) else ""
    return value if NUMBER_RE.match(value) else ""


def verify(raw) -> dict | None:
    """核验: what the public may know of a certificate by its number (kind, village, dates, the masked name; never
    the text), or None when no certificate has the number."""
    number = clean_number(raw)
    if not number:
        return None
    found = _base().filter(number=number).first()
    if found is None:
        return None
    today = timezone.localdate()
    return {
        "number": found.number,
        "kind": found.kind.name,
        "committee": committee_name(found.village),
        "village": found.village.full_name,
        "issued_on": timezone.localdate(found.issued_at),
        "valid_until": found.valid_until,
        "valid": found.valid_until is None or today <= found.valid_until,
        "person": mask_name(found.person.name),
    }


def for_request(case: ServiceRequest) -> dict | None:
    """The certificate of a request, for the request's page and its API detail (doorstep.api.requests): None when
    the request has none (yet). Whoever may see the request may see its certificate."""
    found = Certificate.objects.filter(request_id=case.pk).select_related("kind").first()
    if found is None:
        return None
    return {
        "id": found.pk,
        "number": found.number,
        "kind": found.kind.name,
        "issued_at": found.issued_at,
        "valid_until": found.valid_until,
        "url": reverse("doorstep:certificate", args=[found.pk]),
    }
