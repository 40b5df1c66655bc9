"""The county's service catalogue (服务事项清单): its items per level with their versions, the "一件事一次办" bundles
and the list of certificates a village may issue.

Writes: only the county administrator keeps the catalogue (``Action.SERVICE_CONFIGURE`` over the county itself; a
township official holds the action for the township's points and agents, not for the catalogue). Each write checks
the county (outside it: NotFound), runs in one transaction, records an audit event, and on bad input raises
DomainError with a Chinese message, writing nothing. An item's wording is never changed in place: a change is a new
``ItemVersion`` (number + 1) and ``Item.current`` moves to it, so a request keeps the version it started on.

Reads: everyone who works or lives in the county with any doorstep action (villagers included) or serves it as an
agent reads its catalogue; retired items, inactive bundles and retired certificate kinds only its administrators.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError, NotFound
from core.fields import Choice, Date, clean_text, clean_value
from doorstep.audit_labels import AuditAction
from doorstep.catalogue_selectors import require_county
from doorstep.models import VERSION_FIELDS, Bundle, Category, CertificateKind, Item, ItemVersion, Level
from regions.models import Region

MIN_DAYS, MAX_DAYS = 1, 365
MAX_MATERIALS = 30
MATERIAL_LENGTH = 80
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

TEXTS = {"place": 120, "fee": 80, "legal_basis": 300, "upstream_office": 80, "notes": 500}

# -- cleaning ----------------------------------------------------------------------------------------------------


def _collect(checks: dict) -> dict:
    """Run each field's check; every refusal together in one DomainError (the form shows each beside its field)."""
    cleaned, errors = {}, {}
    for name, check in checks.items():
        try:
            cleaned[name] = check()
        except DomainError as exc:
            for field, messages in getattr(exc, "message_dict", {name: exc.messages}).items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise DomainError(errors)
    return cleaned


def _text(field: str, value, max_length: int, *, required: bool = False) -> str:
    return clean_text(value, field, max_length=max_length, required=required)


def _days(value) -> int:
    if isinstance(value, bool) or value is None or str(value).strip() == "":
        raise DomainError({"time_limit_days": _("Give the time limit in working days.")})
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError({"time_limit_days": _("Give the time limit as a whole number of working days.")}) from None
    if days < MIN_DAYS:
        raise DomainError({"time_limit_days": _("The time limit is at least 1 working day.")})
    if days > MAX_DAYS:
        raise DomainError({"time_limit_days": _("The time limit is at most %(n)s working days.") % {"n": MAX_DAYS}})
    return days


def clean_materials(value) -> list[str]:
    """The materials checklist: a list of short texts (or a text, one per line); blank lines dropped, each named
    once, in the order given."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise DomainError({"materials": _("Give the materials as texts, one per line.")})
    seen: dict[str, None] = {}
    for raw in value:
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > MATERIAL_LENGTH:
            raise DomainError(
                {
                    "materials": _("Each material is at most %(n)s characters: “%(name)s…”.")
                    % {"n": MATERIAL_LENGTH, "name": name[:20]}
                }
            )
        seen.setdefault(_text("materials", name, MATERIAL_LENGTH), None)
    if len(seen) > MAX_MATERIALS:
        raise DomainError({"materials": _("At most %(n)s materials.") % {"n": MAX_MATERIALS}})
    return list(seen)


def _flag(field: str, value, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "on", "yes", "y"}:
        return True
    if text in {"0", "false", "off", "no", "n"}:
        return False
    raise DomainError({field: _("Answer yes or no.")})


def clean_item(data: dict) -> dict:
    """The fields of an item's version, cleaned (the same rules for pages, the API and the default catalogue)."""
    checks = {
        "name": lambda: _text("name", data.get("name"), 80, required=True),
        "category": lambda: clean_value(Choice("category", "category", options=Category.choices), data.get("category")),
        "level": lambda: clean_value(Choice("level", "level", options=Level.choices), data.get("level")),
        "materials": lambda: clean_materials(data.get("materials")),
        "time_limit_days": lambda: _days(data.get("time_limit_days")),
        "agent_may": lambda: _flag("agent_may", data.get("agent_may"), True),
        "online": lambda: _flag("online", data.get("online"), True),
    }
    for field, length in TEXTS.items():
        checks[field] = lambda field=field, length=length: _text(field, data.get(field), length)
    cleaned = _collect(checks)
    return {field: cleaned[field] for field in VERSION_FIELDS}


def _code(value, field: str = "code") -> str:
    code = _text(field, value, 40, required=True)
    if not CODE.match(code):
        raise DomainError({field: _("Use lowercase letters, digits, - and _ for the code (e.g. senior_allowance).")})
    return code


def _day(field: str, value, *, required: bool = False) -> date | None:
    cleaned = clean_value(Date(field, field, required=required), value)
    return date.fromisoformat(cleaned) if cleaned else None


def _version_values(version: ItemVersion) -> dict:
    return {field: getattr(version, field) for field in VERSION_FIELDS}


def _certificate_rule(values: dict, kind) -> None:
    """A village certificate is an item of the certificate category, done at the village, naming a kind on the
    county's list; no other item is a certificate (no certificate outside the list, SPEC: no "奇葩证明")."""
    if kind is not None and values["level"] != Level.VILLAGE:
        raise DomainError(
            {"level": _("A village certificate is issued at the village service room: choose that level.")}
        )
    if kind is not None and values["category"] != Category.CERTIFICATE:
        raise DomainError({"category": _("A village certificate belongs to the category of village certificates.")})
    if kind is None and values["category"] == Category.CERTIFICATE:
        raise DomainError(
            {"category": _("Only a certificate on the county's list may be issued by a village: choose it as well.")}
        )


def _kind(county, value):
    if value in (None, ""):
        return None
    key = getattr(value, "pk", value)
    qs = CertificateKind.objects.filter(county=county)
    found = qs.filter(code=key).first() if isinstance(key, str) and not key.isdigit() else None
    if found is None:
        try:
            found = qs.filter(pk=int(key)).first()
        except (TypeError, ValueError):
            found = None
    if found is None:
        raise DomainError({"certificate": _("Choose a certificate on the county's list.")})
    return found


# -- items --------------------------------------------------------------------------------------------------------


def _snapshot(item: Item) -> dict:
    data = {"code": item.code, "admitted_on": item.admitted_on.isoformat()}
    data["retired_on"] = item.retired_on.isoformat() if item.retired_on else None
    if item.current_id:
        data.update(version=item.current.number, **_version_values(item.current))
    return data


@transaction.atomic
def item_create(
    actor,
    county,
    *,
    code,
    name,
    category,
    level,
    materials=(),
    time_limit_days=None,
    place="",
    agent_may=True,
    online=True,
    fee="",
    legal_basis="",
    upstream_office="",
    notes="",
    admitted_on=None,
    certificate=None,
) -> Item:
    """准入: a new item of the county's catalogue with its first version."""
    require_county(actor, county)
    values = {
        "name": name,
        "category": category,
        "level": level,
        "materials": materials,
        "time_limit_days": time_limit_days,
        "place": place,
        "agent_may": agent_may,
        "online": online,
        "fee": fee,
        "legal_basis": legal_basis,
        "upstream_office": upstream_office,
        "notes": notes,
    }
    cleaned = _collect(
        {
            "code": lambda: _code(code),
            "admitted_on": lambda: _day("admitted_on", admitted_on) or timezone.localdate(),
            "certificate": lambda: _kind(county, certificate),
            "values": lambda: clean_item(values),
        }
    )
    values, kind = cleaned["values"], cleaned["certificate"]
    _certificate_rule(values, kind)
    Region.objects.select_for_update().filter(pk=county.pk).first()  # codes and order taken one at a time
    if Item.objects.filter(county=county, code=cleaned["code"]).exists():
        raise DomainError({"code": _("The catalogue already has an item with this code.")})
    order = (Item.objects.filter(county=county).aggregate(m=Max("order"))["m"] or 0) + 10
    item = Item.objects.create(
        county=county, code=cleaned["code"], admitted_on=cleaned["admitted_on"], certificate=kind, order=order
    )
    item.current = ItemVersion.objects.create(item=item, number=1, created_by=actor, **values)
    item.save(update_fields=["current"])
    audit.record(actor, AuditAction.ITEM_CREATE, item, after=_snapshot(item), region=county)
    return item


def _locked(item) -> Item:
    found = Item.objects.select_for_update().filter(pk=getattr(item, "pk", item)).first()
    if found is None:
        raise NotFound()
    return Item.objects.select_related("current", "county", "certificate").get(pk=found.pk)


@transaction.atomic
def item_change(actor, item, **changes) -> Item:
    """A change of an item's wording, materials, time limit …: a new version (number + 1) that new requests take;
    requests already made keep theirs. Fields not given (or None) stay as they are; nothing changed is refused."""
    item = _locked(item)
    require_county(actor, item.county)
    unknown = set(changes) - set(VERSION_FIELDS)
    if unknown:
        raise DomainError({sorted(unknown)[0]: _("This field cannot be changed here.")})
    before = _version_values(item.current)
    values = clean_item({**before, **{k: v for k, v in changes.items() if v is not None}})
    _certificate_rule(values, item.certificate)
    if values == before:
        raise DomainError(_("Nothing was changed: the catalogue already says this."))
    number = (item.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    old = item.current.number
    item.current = ItemVersion.objects.create(item=item, number=number, created_by=actor, **values)
    item.save(update_fields=["current"])
    was, now = audit.diff(before, values)
    audit.record(
        actor,
        AuditAction.ITEM_CHANGE,
        item,
        before={"version": old, **was},
        after={"version": number, **now},
        region=item.county,
    )
    return item


@transaction.atomic
def item_retire(actor, item, retired_on=None) -> Item:
    """退出: from ``retired_on`` (default today) no new request names the item; requests made keep it."""
    item = _locked(item)
    require_county(actor, item.county)
    if item.retired_on is not None:
        raise DomainError(_("This item is already retired (from %(day)s).") % {"day": item.retired_on.isoformat()})
    day = _day("retired_on", retired_on) or timezone.localdate()
    if day < item.admitted_on:
        raise DomainError(
            {
                "retired_on": _("An item cannot be retired before it was admitted (%(day)s).")
                % {"day": item.admitted_on.isoformat()}
            }
        )
    before = _snapshot(item)
    item.retired_on = day
    item.save(update_fields=["retired_on"])
    audit.record(actor, AuditAction.ITEM_RETIRE, item, before=before, after=_snapshot(item), region=item.county)
    return item


@transaction.atomic
def item_readmit(actor, item, admitted_on=None) -> Item:
    """Admit a retired item again, from ``admitted_on`` (default today), with its current version."""
    item = _locked(item)
    require_county(actor, item.county)
    if item.retired_on is None:
        raise DomainError(_("This item is in the catalogue."))
    day = _day("admitted_on", admitted_on) or timezone.localdate()
    before = _snapshot(item)
    item.admitted_on, item.retired_on = day, None
    item.save(update_fields=["admitted_on", "retired_on"])
    audit.record(
        actor,
        AuditAction.ITEM_READMIT,
        item,
        before=before,
        after=_snapshot(item),
        region=item.county,
    )
    return item


# -- bundles ------------------------------------------------------------------------------------------------------


def _bundle_items(county, values, *, active: bool) -> list[Item]:
    if values is None or isinstance(values, (str, int)):
        values = [values] if values not in (None, "") else []
    keys = []
    for value in values:
        key = getattr(value, "pk", value)
        try:
            keys.append(int(key))
        except (TypeError, ValueError):
            raise DomainError({"items": _("Choose items of the county's catalogue.")}) from None
    keys = list(dict.fromkeys(keys))
    found = {i.pk: i for i in Item.objects.filter(county=county, pk__in=keys).select_related("current")}
    if len(found) != len(keys):
        raise DomainError({"items": _("Choose items of the county's catalogue.")})
    if not keys:
        raise DomainError({"items": _("Choose the items the life event needs.")})
    today = timezone.localdate()
    chosen = [found[k] for k in keys]
    if active:
        gone = [i for i in chosen if i.current_id is None or not i.in_force(today)]
        if gone:
            raise DomainError({"items": _("“%(name)s” is not in the catalogue now.") % {"name": gone[0]}})
    return sorted(chosen, key=lambda i: (i.order, i.code))


def _bundle_snapshot(bundle: Bundle) -> dict:
    return {
        "code": bundle.code,
        "name": bundle.name,
        "description": bundle.description,
        "active": bundle.active,
        "items": sorted(bundle.items.values_list("code", flat=True)),
    }


@transaction.atomic
def bundle_set(actor, county, code, name, description="", items=(), active=True) -> Bundle:
    """Add a "一件事一次办" bundle to the county, or change the one with this code: its name, what it is for, the
    items it opens at once, whether it is offered."""
    require_county(actor, county)
    active = _flag("active", active, True)
    cleaned = _collect(
        {
            "code": lambda: _code(code),
            "name": lambda: _text("name", name, 80, required=True),
            "description": lambda: _text("description", description, 300),
            "items": lambda: _bundle_items(county, items, active=active),
        }
    )
    bundle = Bundle.objects.select_for_update().filter(county=county, code=cleaned["code"]).first()
    before = _bundle_snapshot(bundle) if bundle else None
    if bundle is None:
        bundle = Bundle(county=county, code=cleaned["code"])
    bundle.name, bundle.description, bundle.active = cleaned["name"], cleaned["description"], active
    bundle.save()
    bundle.items.set(cleaned["items"])
    after = _bundle_snapshot(bundle)
    if before != after:
        was, now = audit.diff(before, after)
        audit.record(actor, AuditAction.BUNDLE_SET, bundle, before=was, after=now, region=county)
    return bundle


# -- the certificates a village may issue --------------------------------------------------------------------------


def certificate_codes() -> dict[str, str]:
    """The kinds of certificate the platform generates from the registry (code → usual name): a county's list
    names some of them; a certificate the platform cannot generate cannot be on it (never retyped)."""
    from doorstep.defaults import CERTIFICATE_KINDS

    return {k["code"]: k["name"] for k in CERTIFICATE_KINDS}


def _certificate_code(value) -> str:
    code = _code(value)
    if code not in certificate_codes():
        raise DomainError(
            {
                "code": _("The platform generates only these certificates: %(codes)s.")
                % {"codes": ", ".join(certificate_codes())}
            }
        )
    return code


@transaction.atomic
def certificate_kind_set(actor, county, code, name, basis="", admitted_on=None, retired_on=None) -> CertificateKind:
    """Put a certificate on the county's list of those a village may issue (or change it, by its code): its name,
    legal basis and the dates it is on the list from and until."""
    require_county(actor, county)
    cleaned = _collect(
        {
            "code": lambda: _certificate_code(code),
            "name": lambda: _text("name", name, 60, required=True),
            "basis": lambda: _text("basis", basis, 300),
            "admitted_on": lambda: _day("admitted_on", admitted_on),
            "retired_on": lambda: _day("retired_on", retired_on),
        }
    )
    kind = CertificateKind.objects.select_for_update().filter(county=county, code=cleaned["code"]).first()
    start = cleaned["admitted_on"] or (kind.admitted_on if kind else timezone.localdate())
    end = cleaned["retired_on"]
    if end is not None and end < start:
        raise DomainError({"retired_on": _("The end date cannot be before the start date (%(day)s).") % {"day": start}})
    before = audit.snapshot(kind, ["code", "name", "basis", "admitted_on", "retired_on"]) if kind else None
    kind = kind or CertificateKind(county=county, code=cleaned["code"])
    kind.name, kind.basis, kind.admitted_on, kind.retired_on = cleaned["name"], cleaned["basis"], start, end
    kind.save()
    after = audit.snapshot(kind, ["code", "name", "basis", "admitted_on", "retired_on"])
    if before != after:
        was, now = audit.diff(before, after)
        audit.record(actor, AuditAction.CERTIFICATE_KIND_SET, kind, before=was, after=now, region=county)
    return kind
