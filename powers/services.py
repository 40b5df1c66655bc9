"""Writes of the small-power list. Every function checks the actor's scope (outside it: NotFound, answered as 404),
runs in one transaction and records an audit event (the steps of a matter go through core.workflow, which writes
the CaseEvent and the ``casework.*`` audit event); bad input raises DomainError with a Chinese message and writes
nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope, workflow
from core.errors import DomainError, NotFound
from core.fields import clean_text as _text
from core.roles import Action, Role
from powers import people, rules
from powers.defaults import DEFAULT_POWERS
from powers.flows import FINAL_STATES, FLOWS, PUBLICITY_STATE
from powers.models import Applicant, AssetDeal, Objection, Power, PowerCase, PowerClass, Template
from regions.models import Region, RegionLevel
from registry.models import Household, Person
from transparency.files import prepare_documents

MAX_DOCUMENTS = 10


def _whole(value, field: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError({field: _("Give a whole number.")}) from None
    if not low <= number <= high:
        raise DomainError({field: _("Give a number from %(low)s to %(high)s.") % {"low": low, "high": high}})
    return number


def _documents(files):
    files = [f for f in (files or []) if f]
    if len(files) > MAX_DOCUMENTS:
        raise DomainError({"attachments": _("At most %(n)s documents can be attached.") % {"n": MAX_DOCUMENTS}})
    return prepare_documents(files, field="attachments")


# -- the list (kept by the county) ---------------------------------------------------------------------------


def _county(actor, county) -> Region:
    if county is None or getattr(county, "level", None) != RegionLevel.COUNTY:
        raise NotFound()
    if not scope.region_in_scope(actor, Action.POWER_CONFIGURE, county):
        raise NotFound()
    return county


def _clean_power(fields: dict, *, county: Region, instance: Power | None) -> dict:
    out: dict = {}
    errors: dict = {}

    def check(key, fn):
        try:
            out[key] = fn(fields.get(key))
        except DomainError as exc:
            errors.update(exc.message_dict)

    check("name", lambda v: _text(v, "name", max_length=60))
    check("code", lambda v: _text(v, "code", max_length=40))
    check("legal_basis", lambda v: _text(v, "legal_basis", max_length=2000))
    check("documents", lambda v: _text(v, "documents", max_length=2000, required=False))
    check("procedure", lambda v: _text(v, "procedure", max_length=2000, required=False))
    check("supervision", lambda v: _text(v, "supervision", max_length=2000, required=False))
    check("step_days", lambda v: _whole(v, "step_days", 1, 60))
    check("review_days", lambda v: _whole(v, "review_days", 1, 60))
    check("publicity_days", lambda v: _whole(v, "publicity_days", 0, 60))
    check("order", lambda v: _whole(v if v not in (None, "") else 0, "order", 0, 999))
    for key, choices, message in (
        ("power_class", PowerClass.values, _("Choose the class of the power.")),
        ("template", Template.values, _("Choose the procedure.")),
        ("applicant", Applicant.values, _("Choose who applies.")),
    ):
        if fields.get(key) not in choices:
            errors[key] = message
        else:
            out[key] = fields[key]
    out["active"] = bool(fields.get("active", True))
    if errors:
        raise DomainError(errors)
    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", out["code"]):
        raise DomainError({"code": _("Use lower-case letters, digits and hyphens, e.g. dibao.")})
    clash = Power.objects.filter(county=county, code=out["code"])
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise DomainError({"code": _("Another power of the list has this code.")})
    if out["template"] == Template.ASSET and out["applicant"] != Applicant.VILLAGE:
        raise DomainError({"applicant": _("Collective assets are disposed of by the village, not by a household.")})
    if out["template"] in (Template.DIBAO, Template.HOMESTEAD) and out["applicant"] != Applicant.HOUSEHOLD:
        raise DomainError({"applicant": _("This procedure starts with a household's application.")})
    if out["template"] == Template.DIBAO and out["publicity_days"] < rules.MIN_DIBAO_PUBLICITY_DAYS:
        raise DomainError(
            {
                "publicity_days": _("An assistance assessment is posted at least %(n)s days.")
                % {"n": rules.MIN_DIBAO_PUBLICITY_DAYS}
            }
        )
    if instance is not None and instance.template != out["template"] and instance.cases.exists():
        raise DomainError({"template": _("Matters have run under this power: its procedure can no longer change.")})
    return out


@transaction.atomic
def power_save(*, actor, county: Region, power: Power | None = None, **fields) -> Power:
    """Add a power to the county's list, or change one (name, class, legal basis, documents, time limits...)."""
    county = _county(actor, county)
    if power is not None:
        power = Power.objects.select_for_update().filter(pk=power.pk, county=county).first()
        if power is None:
            raise NotFound()
    data = _clean_power(fields, county=county, instance=power)
    if power is None:
        power = Power(county=county, updated_by=actor, updated_at=timezone.now(), **data)
        power.save()
        audit.record(actor, "powers.power.create", power, after=audit.snapshot(power, Power.FIELDS), region=county)
        return power
    before = audit.snapshot(power, Power.FIELDS)
    for key, value in data.items():
        setattr(power, key, value)
    power.updated_by, power.updated_at = actor, timezone.now()
    power.save()
    audit.record(
        actor, "powers.power.update", power, before=before, after=audit.snapshot(power, Power.FIELDS), region=county
    )
    return power


@transaction.atomic
def power_install_defaults(*, actor, county: Region) -> list[Power]:
    """Install the default list (the 13 key powers of seed 004 五) — only the powers the county does not have yet."""
    county = _county(actor, county)
    Region.objects.select_for_update().filter(pk=county.pk).first()
    have = set(Power.objects.filter(county=county).values_list("code", flat=True))
    created = []
    for order, row in enumerate(DEFAULT_POWERS, start=1):
        if row["code"] in have:
            continue
        power = Power(county=county, order=order, updated_by=actor, updated_at=timezone.now(), **row)
        power.save()
        created.append(power)
    audit.record(
        actor,
        "powers.list.install",
        None,
        after={"created": [p.code for p in created]},
        region=county,
        target_label=county.name,
    )
    return created


# -- applying ------------------------------------------------------------------------------------------------


def _applicant_name(actor, household: Household | None) -> str:
    person = Person.objects.filter(user=actor).only("name").first()
    if person is not None and household is not None and person.household_id == household.pk:
        return person.name
    return household.head_name if household is not None else ""


def case_apply(
    *,
    actor,
    power: Power,
    household: Household | None = None,
    village: Region | None = None,
    title: str = "",
    reason: str = "",
    household_size=None,
    monthly_income=None,
    area=None,
    asset_deal: str = "",
    reserve_price=None,
    meeting_ref: str = "",
    meeting_date=None,
    attachments=(),
    now=None,
) -> PowerCase:
    """Open a matter under ``power``: a household's application (by the villager for their own household, or by
    its grid worker or a village cadre on its behalf — 代办), or a village matter opened by a cadre."""
    now = now or timezone.now()
    power = Power.objects.filter(pk=getattr(power, "pk", power)).first()
    if power is None or power.county_id not in scope.county_ids(actor):
        raise NotFound()
    if not power.active:
        raise DomainError(_("This power is no longer on the list in use."))
    flow = FLOWS[power.template]
    if power.for_households:
        if household is None:
            raise DomainError({"household": _("Choose the household that applies.")})
        if not scope.in_scope(actor, Action.POWER_APPLY, household):
            raise NotFound()
        village = household.village
    else:
        if village is None or getattr(village, "level", None) != RegionLevel.VILLAGE:
            raise DomainError({"village": _("Choose the village.")})
        if not scope.region_in_scope(actor, Action.POWER_HANDLE, village):
            raise NotFound()
        household = None
    if village.county_id != power.county_id:
        raise NotFound()
    errors: dict = {}
    values: dict = {}
    for key, fn in (
        ("reason", lambda: _text(reason, "reason", max_length=2000)),
        (
            "title",
            lambda: _text(
                title or (f"{power.name}" if household is None else ""), "title", max_length=100, required=False
            ),
        ),
    ):
        try:
            values[key] = fn()
        except DomainError as exc:
            errors.update(exc.message_dict)
    if power.template == Template.DIBAO:
        try:
            values["household_size"] = _whole(household_size, "household_size", 1, 30)
        except DomainError as exc:
            errors.update(exc.message_dict)
        try:
            values["monthly_income"] = rules.money(monthly_income, "monthly_income")
        except DomainError as exc:
            errors.update(exc.message_dict)
    if power.template == Template.HOMESTEAD:
        try:
            values["area"] = rules.money(area, "area")
            if values["area"] is not None and not 0 < values["area"] <= 1000:
                errors["area"] = _("Give the area in square metres, more than 0 and at most 1000.")
        except DomainError as exc:
            errors.update(exc.message_dict)
    if power.template == Template.ASSET:
        if asset_deal not in AssetDeal.values:
            errors["asset_deal"] = _("Choose the kind of disposal.")
        try:
            values["reserve_price"] = rules.money(reserve_price, "reserve_price")
        except DomainError as exc:
            errors.update(exc.message_dict)
        if not str(title or "").strip():
            errors["title"] = _("Name the asset, e.g. 村集体鱼塘 (12 亩).")
    if errors:
        raise DomainError(errors)
    files = _documents(attachments)
    if power.document_list and not files:
        raise DomainError(
            {
                "attachments": _("Attach the documents this power requires: %(list)s.")
                % {"list": "、".join(power.document_list)}
            }
        )
    if household is not None:
        values["title"] = values["title"] or f"{power.name} · {household.head_name or household.number}"
    case = PowerCase(
        power=power,
        household=household,
        grid_id=household.grid_id if household is not None else None,
        applicant=actor,
        on_behalf=household is not None and not _is_villager_of(actor, household),
        applicant_name=_applicant_name(actor, household),
        asset_deal=asset_deal if power.template == Template.ASSET else "",
        step_days=power.step_days,
        review_days=power.review_days,
        publicity_days=power.publicity_days,
        created_at=now,
        **values,
    )
    case.place_in(village)
    data: dict = {}
    if power.template == Template.ASSET:
        two = {}
        ref = str(meeting_ref or "").strip()
        held = rules._day(meeting_date, "meeting_date", two)
        if not ref:
            two["meeting_ref"] = _("Record the two committees' meeting (两委商议) that proposed the disposal.")
        if held is not None and held > timezone.localtime(now).date():
            two["meeting_date"] = _("The meeting cannot have been held in the future.")
        if two:
            raise DomainError(two)
        data = {"meeting_ref": ref[:100], "meeting_date": held.isoformat()}
    with transaction.atomic():
        if household is not None:
            Household.objects.select_for_update().filter(pk=household.pk).first()
            busy = PowerCase.objects.filter(power=power, household=household).exclude(state__in=FINAL_STATES)
            if busy.exists():
                raise DomainError(
                    _("This household already has an open matter under “%(power)s”: follow that one.")
                    % {"power": power.name}
                )
        workflow.start(actor=actor, case=case, flow=flow, note=values["reason"], data=data, attachments=files, now=now)
        audit.record(
            actor,
            "powers.case.apply",
            case,
            after={"power": power.code, "household": household.pk if household else None, "on_behalf": case.on_behalf},
        )
    return case


def _is_villager_of(actor, household) -> bool:
    return household.pk in scope.targets(actor, "household", role=Role.VILLAGER)


# -- the steps ------------------------------------------------------------------------------------------------


def case_step(
    *,
    actor,
    case: PowerCase,
    step: str,
    data: dict | None = None,
    note: str = "",
    attachments=(),
    version=None,
    now=None,
):
    """Take a step of the matter's procedure through the engine (who may, in which state, with what, is the flow's)."""
    flow = FLOWS.get(case.flow)
    if flow is None:
        raise NotFound()
    if step not in flow.transitions:
        raise DomainError(_("There is no step “%(step)s” in this procedure.") % {"step": step}, code="unknown")
    data = {k: v for k, v in dict(data or {}).items() if v not in (None, "")}
    files = _documents(attachments)
    if not note:
        note = str(data.get("reason") or data.get("findings") or data.get("opinion") or data.get("outcome") or "")
    with transaction.atomic():
        event = workflow.transition(
            actor=actor,
            case=case,
            flow=flow,
            name=step,
            data=data,
            note=note[:2000],
            attachments=files,
            expected_version=version,
            now=now,
        )
    return event


# -- objections during the posting ----------------------------------------------------------------------------


def may_object(actor, case: PowerCase) -> bool:
    """A villager of the matter's village, or its cadre or grid worker (recording one received in person)."""
    for g in scope.grants(actor):
        if g.village_id != case.village_id:
            continue
        if g.role in (Role.VILLAGER, Role.VILLAGE_CADRE, Role.GRID_WORKER):
            return True
    return False


def _objector_name(actor) -> str:
    person = Person.objects.filter(user=actor).only("name").first()
    return (person.name if person else getattr(actor, "display_name", "") or actor.get_username())[:50]


@transaction.atomic
def objection_raise(*, actor, case: PowerCase, text, now=None) -> Objection:
    """异议: raised during the posting window (the matter waits until the village answers it)."""
    now = now or timezone.now()
    locked = PowerCase.objects.select_for_update().filter(pk=getattr(case, "pk", case)).first()
    if locked is None or not may_object(actor, locked):
        raise NotFound()
    today = timezone.localtime(now).date()
    if locked.state != PUBLICITY_STATE or locked.publicity_until is None:
        raise DomainError(_("Objections are taken while the matter is posted in the village."), code="posting")
    if today > locked.publicity_until:
        raise DomainError(
            _("The posting ended on %(date)s: objections can no longer be raised on the platform.")
            % {"date": locked.publicity_until.isoformat()},
            code="posting",
        )
    text = _text(text, "text", max_length=2000)
    objection = Objection(
        case=locked,
        raised_by=actor,
        raised_by_name=_objector_name(actor),
        text=text,
        raised_at=now,
        county_id=locked.county_id,
        township_id=locked.township_id,
        village_id=locked.village_id,
    )
    objection.save()
    audit.record(actor, "powers.objection.raise", objection, after={"case": locked.pk, "text": text})
    people.on_objection(locked)
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer, now=None) -> Objection:
    """The village's answer to an objection (once; it is recorded with the matter)."""
    now = now or timezone.now()
    locked = Objection.objects.select_for_update().filter(pk=getattr(objection, "pk", objection)).first()
    if locked is None or not scope.in_scope(actor, Action.POWER_HANDLE, locked):
        raise NotFound()
    if locked.answer:
        raise DomainError(_("This objection has already been answered."), code="answered")
    answer = _text(answer, "answer", max_length=2000)
    locked.answer, locked.answered_by, locked.answered_at = answer, actor, now
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    audit.record(actor, "powers.objection.answer", locked, before={"answer": ""}, after={"answer": answer})
    return locked
