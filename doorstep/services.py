"""Writes of service requests. Every function checks the actor's scope (outside it: NotFound, answered as 404),
runs in one transaction and records an audit event; the steps of a request go through core.workflow (which writes
the CaseEvent and its ``casework.*`` audit event). Bad input raises DomainError with a Chinese message and writes
nothing. The catalogue's writes are in doorstep/catalogue.py, the service points' and agents' in
doorstep/places.py, the certificates' in doorstep/certificates.py.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.numbering import next_number
from casework.steps import documented
from core import audit, scope, workflow
from core.errors import DomainError, NotFound
from core.fields import Choice, Text, clean_value
from core.roles import Action
from doorstep import people
from doorstep.audit_labels import AuditAction
from doorstep.flows import DOORSTEP
from doorstep.models import Bundle, Channel, Consent, Item, Material, ServiceRequest
from regions.models import Region
from regions.selectors import villages
from registry.models import Household, Person

MAX_MATERIAL_FILES = 20


def _text(data: dict, field: str, max_length: int, *, required: bool = True) -> str:
    return clean_value(Text(field, field, max_length=max_length, required=required), data.get(field)) or ""


def _number(county_id: int, day: date) -> str:
    county = Region.objects.get(pk=county_id)
    return next_number(ServiceRequest, region_id=county_id, prefix=f"{county.code}-{day:%Y}-", width=6)


def acting_as(actor, village_id: int) -> str | None:
    """How the actor may make a request in this village: "counter" (a cadre or a township official handling
    requests there), "agent" (an agent serving it), "villager" (for their own household), or None."""
    if villages(actor, Action.SERVICE_HANDLE).filter(pk=village_id).exists():
        return "counter"
    if village_id in people.serving_villages(actor):
        return "agent"
    if villages(actor, Action.SERVICE_APPLY).filter(pk=village_id).exists():
        return "villager"
    return None


def _subject(actor, household, person) -> tuple[Household, Person, str]:
    household = Household.objects.filter(pk=getattr(household, "pk", household)).select_related("village").first()
    if household is None:
        raise NotFound()
    how = acting_as(actor, household.village_id)
    if how is None or how == "villager" and not scope.in_scope(actor, Action.SERVICE_APPLY, household):
        raise NotFound()
    person = Person.objects.filter(pk=getattr(person, "pk", person) if person not in (None, "") else None).first()
    if person is None or person.household_id != household.pk:
        raise DomainError({"person": _("Choose a member of the household.")})
    if person.is_deceased:
        raise DomainError({"person": _("The registry records this person as deceased; choose the person applying.")})
    return household, person, how


def _items_in_force(items, day: date) -> list[Item]:
    found = []
    for item in items:
        if item.current_id is None or not item.in_force(day):
            raise DomainError(
                {"item": _("“%(name)s” is not in the catalogue on %(day)s.") % {"name": item, "day": day.isoformat()}}
            )
        found.append(item)
    return found


def _materials(actor, group, county_id: int, names: list[str], data: dict) -> list[Material]:
    """The checklist: a material is ticked (``provided``: the original was seen, or a file of it is given) and may
    carry photos or a PDF, checked by their content. ``data``: {"provided": [names], "files": {name: [uploads]}}."""
    from transparency.files import prepare_documents

    provided = set(data.get("provided") or [])
    files = data.get("files") or {}
    unknown = (provided | set(files)) - set(names)
    if unknown:
        raise DomainError({"materials": _("“%(name)s” is not on the checklist.") % {"name": sorted(unknown)[0]}})
    if sum(len([f for f in v if f]) for v in files.values()) > MAX_MATERIAL_FILES:
        raise DomainError({"materials": _("At most %(n)s files in all.") % {"n": MAX_MATERIAL_FILES}})
    rows = []
    for name in names:
        uploads = prepare_documents(files.get(name) or [], field="materials")
        ticked = name in provided or bool(uploads)
        if not uploads:
            rows.append(Material(group=group, county_id=county_id, name=name, provided=ticked, added_by=actor))
        for upload in uploads:
            rows.append(
                Material(
                    group=group,
                    county_id=county_id,
                    name=name,
                    provided=True,
                    file=upload,
                    content_type=upload.content_type,
                    added_by=actor,
                )
            )
    return rows


def refusal(items, how: str | None) -> str:
    """Why these items cannot be asked for this way ("villager": on the phone; "agent": through a village agent),
    naming them all, or "" (the counter takes every item in force)."""
    names = ""
    if how == "villager":
        names = "、".join(f"“{i.current.name}”" for i in items if not i.current.online)
        text = _("%(names)s cannot be applied for on the phone: ask the village's agent or go to the service room.")
    elif how == "agent":
        names = "、".join(f"“{i.current.name}”" for i in items if not i.current.agent_may)
        text = _("A village agent may not take %(names)s: it is done at the service centre.")
    return text % {"names": names} if names else ""


def checklist(items) -> list[str]:
    """The materials of several items, each asked for once, in the order the items list them."""
    seen: dict[str, None] = {}
    for item in items:
        for name in item.current.materials:
            seen.setdefault(name, None)
    return list(seen)


def _open(actor, *, items, bundle, household, person, channel, consent, details, purpose, materials, now):
    now = now or timezone.now()
    day = timezone.localdate(now)
    household, person, how = _subject(actor, household, person)
    items = _items_in_force(items, day)
    data = {"details": details, "purpose": purpose}
    values = {
        "details": _text(data, "details", 2000, required=False),
        "purpose": _text(data, "purpose", 100, required=False),
    }
    refused = refusal(items, how)
    if refused:
        raise DomainError({"item": refused})
    if how == "villager":
        channel = Channel.PHONE
    else:
        channel = clean_value(Choice("channel", "channel", options=Channel.choices), channel or Channel.COUNTER)
        if how == "agent":
            channel = Channel.AGENT
    on_behalf = how != "villager" and (person.user_id is None or person.user_id != actor.pk)
    if on_behalf:
        consent = clean_value(Choice("consent", "consent", options=Consent.choices), consent)
        if not consent:
            raise DomainError({"consent": _("Note how the villager agreed that you act for them.")})
    else:
        consent = ""
    group = uuid.uuid4()
    names = checklist(items)
    rows = _materials(actor, group, household.county_id, names, materials or {})
    applicant = person.user if person.user_id else (actor if how == "villager" else None)
    agent = people.agent_row(actor, household.village_id) if how == "agent" else None
    created = []
    for item in items:
        version = item.current
        case = ServiceRequest(
            item=item,
            item_version=version,
            level=version.level,
            time_limit_days=version.time_limit_days,
            bundle=bundle,
            group=group,
            household=household,
            person=person,
            applicant=applicant,
            channel=channel,
            recorded_by=actor,
            on_behalf=on_behalf,
            consent=consent,
            **values,
        )
        case.place_in(household.village)
        case.number = _number(household.county_id, day)
        try:
            with transaction.atomic():
                workflow.start(actor=actor, case=case, flow=DOORSTEP, note=version.name, now=now)
        except IntegrityError:
            raise DomainError(_("Someone made a request at the same moment; please send it again.")) from None
        if agent is not None and version.agent_may:
            # the agent who files it takes it at once (接件), as the counter would
            workflow.transition(actor=actor, case=case, flow=DOORSTEP, name="take", now=now)
        created.append(case)
    Material.objects.bulk_create(rows)
    audit.record(
        actor,
        AuditAction.REQUEST_MAKE,
        created[0],
        after={
            "numbers": [c.number for c in created],
            "items": [c.item_version.name for c in created],
            "bundle": bundle.name if bundle else "",
            "channel": channel,
            "on_behalf": on_behalf,
            "consent": consent,
            "materials": len(rows),
        },
    )
    return created


@transaction.atomic
def request_make(
    *,
    actor,
    item,
    household,
    person,
    channel="",
    consent="",
    details="",
    purpose="",
    materials=None,
    now=None,
) -> ServiceRequest:
    """A request for one item: by the villager on the phone (for their own household), by an agent serving the
    village on the villager's behalf (with their consent noted), or at the counter."""
    item = Item.objects.filter(pk=getattr(item, "pk", item)).select_related("current").first()
    if item is None:
        raise DomainError({"item": _("Choose an item of the catalogue.")})
    if item.certificate_id:
        from doorstep.certificates import check_request

        check_request(item, person, actor=actor)
    household_row = Household.objects.filter(pk=getattr(household, "pk", household)).first()
    if household_row is None or item.county_id != household_row.county_id:
        raise DomainError({"item": _("Choose an item of the catalogue.")})
    return _open(
        actor,
        items=[item],
        bundle=None,
        household=household_row,
        person=person,
        channel=channel,
        consent=consent,
        details=details,
        purpose=purpose,
        materials=materials,
        now=now,
    )[0]


@transaction.atomic
def bundle_make(
    *, actor, bundle, household, person, channel="", consent="", details="", materials=None, now=None
) -> list[ServiceRequest]:
    """一件事一次办: every item of the bundle opened at once, each once, with the materials asked for once."""
    bundle = Bundle.objects.filter(pk=getattr(bundle, "pk", bundle), active=True).first()
    household_row = Household.objects.filter(pk=getattr(household, "pk", household)).first()
    if bundle is None or household_row is None or bundle.county_id != household_row.county_id:
        raise DomainError({"bundle": _("Choose a bundle of the catalogue.")})
    day = timezone.localdate(now or timezone.now())
    # an item the county has retired since the bundle was made is left out: the others are still opened
    items = [
        i
        for i in bundle.items.select_related("current").order_by("order", "code").distinct()
        if i.current_id and i.in_force(day)
    ]
    if not items:
        raise DomainError({"bundle": _("This bundle lists no item in force now.")})
    return _open(
        actor,
        items=items,
        bundle=bundle,
        household=household_row,
        person=person,
        channel=channel,
        consent=consent,
        details=details,
        purpose="",
        materials=materials,
        now=now,
    )


# a request's declared steps (doorstep/flows.py); documents are PDFs or images
request_step = documented(DOORSTEP)
