"""Writes of the honours: the county's boards (installed for a new county, then kept by its administrator), a
nomination (the steps after it are the declared procedure's, honours/flows.py, taken through ``nomination_step``),
an objection during the public notice, and the publication of a village's quarter."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.attachments import prepare_photos
from casework.numbering import next_number
from committees import selectors as committees
from committees.models import CommitteeKind
from core import audit, notifications, scope, workflow
from core.errors import DomainError, NotFound
from core.fields import Integer, clean_text, clean_value
from core.roles import Action, Role
from honours import defaults, quarters
from honours.audit_labels import AuditAction
from honours.flows import HONOUR
from honours.models import ACTIVE_STATES, Board, Nomination, Objection, Source, Subject
from honours.selectors import (
    boards_for_nominating,
    evaluating_villages,
    may_nominate,
    nominating_villages,
    panel_user_ids,
)
from regions.models import Region, RegionLevel
from transparency.privacy import check_public_text

# -- the county's boards ----------------------------------------------------------------------------------------


def county_set_up(county) -> list[Board]:
    """The default boards of a county (core.plugins.CountySetup; idempotent: a county with boards keeps them)."""
    if Board.objects.filter(county_id=county.pk).exists():
        return []
    made = [
        Board.objects.create(
            county_id=county.pk,
            code=code,
            name=name,
            subject=subject,
            description=description,
            places=defaults.DEFAULT_PLACES,
            publicity_days=defaults.DEFAULT_PUBLICITY_DAYS,
            order=(n + 1) * 10,
        )
        for n, (code, name, subject, description) in enumerate(defaults.DEFAULT_BOARDS)
    ]
    audit.record(None, AuditAction.BOARDS_INSTALL, None, region=county, after={"boards": [b.name for b in made]})
    return made


def _county(actor, county) -> Region:
    found = Region.objects.filter(pk=getattr(county, "pk", county), level=RegionLevel.COUNTY).first()
    if found is None or not scope.region_in_scope(actor, Action.POINTS_POLICY, found):
        raise NotFound()
    return found


def _board_values(values: dict, *, partial: bool) -> dict:
    out = {}
    if "name" in values or not partial:
        out["name"] = clean_text(values.get("name"), "name", max_length=30)
    if "description" in values:
        out["description"] = clean_text(values.get("description"), "description", max_length=200, required=False)
    if "subject" in values or not partial:
        subject = values.get("subject") or Subject.PERSON
        if subject not in Subject.values:
            raise DomainError({"subject": _("Choose a person or a household.")})
        out["subject"] = subject
    for key, low, high in (("places", 1, 50), ("publicity_days", 1, 30), ("order", 0, 999)):
        if key in values and values[key] not in (None, ""):
            out[key] = int(clean_value(Integer(key, key, min=low, max=high), values[key]))
    if "active" in values and values["active"] is not None:
        out["active"] = bool(values["active"])
    return out


@transaction.atomic
def board_add(*, actor, county, code: str, **values) -> Board:
    county = _county(actor, county)
    code = clean_text(code, "code", max_length=24).lower()
    if not code.replace("-", "").replace("_", "").isalnum() or not code.isascii():
        raise DomainError({"code": _("Use lower-case letters, digits and hyphens.")})
    if Board.objects.filter(county=county, code=code).exists():
        raise DomainError({"code": _("The county has a board with this code already.")})
    cleaned = _board_values(values, partial=False)
    if "order" not in cleaned:
        cleaned["order"] = (Board.objects.filter(county=county).aggregate(m=Max("order"))["m"] or 0) + 10
    board = Board.objects.create(county=county, code=code, **cleaned)
    audit.record(actor, AuditAction.BOARD_ADD, board, region=county, after={"code": code, **cleaned})
    return board


@transaction.atomic
def board_change(*, actor, board, **values) -> Board:
    """Change a board's name, places, notice days, order or use; nominations made keep their notice days."""
    found = Board.objects.select_for_update().filter(pk=getattr(board, "pk", board)).first()
    if found is None:
        raise NotFound()
    county = _county(actor, found.county_id)
    cleaned = _board_values(values, partial=True)
    if "subject" in cleaned and cleaned["subject"] != found.subject and found.nominations.exists():
        raise DomainError({"subject": _("The board has nominations: it keeps honouring the same kind.")})
    before = {k: getattr(found, k) for k in cleaned}
    for key, value in cleaned.items():
        setattr(found, key, value)
    found.save(update_fields=list(cleaned) or None)
    audit.record(actor, AuditAction.BOARD_CHANGE, found, region=county, before=before, after=cleaned)
    return found


# -- nominations ------------------------------------------------------------------------------------------------


def _source(actor, village_id, group) -> tuple[str, Region | None]:
    if group is not None:
        found = Region.objects.filter(
            pk=getattr(group, "pk", group), level=RegionLevel.GROUP, parent_id=village_id
        ).first()
        if found is None:
            raise DomainError({"group": _("Choose a group of the village.")})
        leads = committees.is_member(actor, village_id, CommitteeKind.GROUP_LEADERS, group_id=found.pk)
        if not leads and not scope.region_in_scope(actor, Action.POINTS_RECORD, found.parent):
            raise DomainError({"group": _("Only the group's leader or the village cadres nominate in its name.")})
        return Source.GROUP, found
    staff = any(g.role in (Role.VILLAGE_CADRE, Role.GRID_WORKER) for g in scope.grants_for(actor, Action.POINTS_RECORD))
    return (Source.CADRE if staff else Source.VILLAGER), None


def _nominee(actor, board, person, household):
    """The person or household nominated, if of a village where the actor may nominate; else the same message
    whether it is missing or elsewhere."""
    from registry.models import Household, Person

    reach = nominating_villages(actor).values_list("pk", flat=True)
    if board.subject == Subject.PERSON:
        found = (
            Person.objects.filter(pk=getattr(person, "pk", person) or 0, village_id__in=reach, is_deceased=False)
            .select_related("household__village")
            .first()
            if person
            else None
        )
        if found is None:
            raise DomainError({"person": _("Nominate someone of your own village: this person is not one of them.")})
        return found, found.household, found.name
    found = (
        Household.objects.filter(pk=getattr(household, "pk", household) or 0, village_id__in=reach)
        .select_related("village")
        .first()
        if household
        else None
    )
    if found is None:
        raise DomainError({"household": _("Nominate a household of your own village: this one is not.")})
    return None, found, _("%(head)s's household") % {"head": found.head_name or found.number}


@transaction.atomic
def nomination_create(
    *, actor, board, deeds: str, person=None, household=None, group=None, photos=(), now=None
) -> Nomination:
    """提名: a villager nominates someone of their village (a group leader in the group's name), a cadre or grid
    worker someone of the villages they serve, for ``board`` in the current quarter, with the deeds."""
    if not may_nominate(actor):
        raise NotFound()
    found_board = boards_for_nominating(actor).filter(pk=getattr(board, "pk", board) or 0).first()
    if found_board is None:
        raise DomainError({"board": _("Choose one of the county's boards.")})
    board = found_board
    nominee, home, name = _nominee(actor, board, person, household)
    village = Region.objects.select_for_update().get(pk=home.village_id)  # one nomination at a time per village
    deeds = clean_text(deeds, "deeds", max_length=1000)
    check_public_text(deeds=deeds)
    photos = prepare_photos(photos, max_count=6)
    year, quarter = quarters.of(timezone.localdate(now) if now else timezone.localdate())
    same = Nomination.objects.filter(board=board, year=year, quarter=quarter, state__in=ACTIVE_STATES)
    same = same.filter(person=nominee) if nominee is not None else same.filter(person=None, household=home)
    if same.exists():
        raise DomainError(
            {
                "person" if nominee is not None else "household": _(
                    "%(name)s is nominated for %(board)s this quarter already."
                )
                % {"name": name, "board": board.name}
            }
        )
    source, group_row = _source(actor, village.pk, group)
    nomination = Nomination(
        board=board,
        year=year,
        quarter=quarter,
        person=nominee,
        household=home,
        name=name[:60],
        deeds=deeds,
        source=source,
        group=group_row,
        nominated_by=actor,
        publicity_days=board.publicity_days,
    )
    nomination.place_in(village)
    county = Region.objects.get(pk=village.county_id)
    nomination.number = next_number(Nomination, region_id=county.pk, prefix=f"RB{county.code}-{year}-", width=5)
    workflow.start(
        actor=actor,
        case=nomination,
        flow=HONOUR,
        note=deeds,
        data={"board": board.name, "quarter": quarters.key(year, quarter)},
        attachments=photos,
        now=now,
    )
    audit.record(
        actor,
        AuditAction.NOMINATE,
        nomination,
        region=village,
        after={"number": nomination.number, "board": board.name, "name": nomination.name, "source": source},
    )
    return nomination


def nomination_step(*, actor, case, step, data=None, note="", attachments=(), version=None, now=None):
    """Take a declared step of a nomination's procedure (honours/flows.py)."""
    return workflow.transition(
        actor=actor,
        case=case,
        flow=HONOUR,
        name=step,
        data=data or {},
        note=note,
        attachments=attachments,
        expected_version=version,
        now=now,
    )


# -- objections during the public notice ------------------------------------------------------------------------


def may_object(actor, nomination) -> bool:
    """Villagers of the village and its cadres and grid workers may object while the notice runs."""
    return nominating_villages(actor).filter(pk=nomination.village_id).exists()


@transaction.atomic
def objection_file(*, actor, nomination, text: str, now=None) -> Objection:
    """异议: said against an honour during its public notice; the panel must answer it before it is confirmed."""
    found = Nomination.objects.select_for_update().filter(pk=getattr(nomination, "pk", nomination)).first()
    if found is None or not (found.state in ("published", "confirmed", "struck") and may_object(actor, found)):
        raise NotFound()
    moment = now or timezone.now()
    if found.state != "published" or (found.deadline_at is not None and moment > found.deadline_at):
        raise DomainError(_("The public notice of this honour is over: objections are taken during the notice."))
    text = clean_text(text, "text", max_length=1000)
    if Objection.objects.filter(nomination=found, made_by=actor, answered_at__isnull=True).exists():
        raise DomainError({"text": _("Your objection waits for the panel's answer already.")})
    row = Objection.objects.create(nomination=found, text=text, made_by=actor, made_at=moment)
    audit.record(actor, AuditAction.OBJECT, found, region=found.village, after={"number": found.number})
    notifications.notify(
        [u for u in panel_user_ids(found.village_id) if u != actor.pk],
        kind="honours.objection",
        text=_("An objection to %(name)s on %(board)s") % {"name": found.name, "board": found.board.name},
        url=found.get_absolute_url(),
        key=f"honours.objection.{row.pk}",
    )
    return row


# -- publishing a quarter ---------------------------------------------------------------------------------------


def quarter_publish(*, actor, village, year: int, quarter: int, now=None) -> list[Nomination]:
    """Put every nomination the panel selected in the village's quarter on public notice at once (each its own
    step); none selected is a DomainError."""
    found = evaluating_villages(actor).filter(pk=getattr(village, "pk", village)).first()
    if found is None:
        raise NotFound()
    waiting = list(
        Nomination.objects.filter(village=found, year=year, quarter=quarter, state="accepted").order_by(
            "board__order", "rank"
        )
    )
    if not waiting:
        raise DomainError(
            _("Nothing selected in %(quarter)s waits for publication.") % {"quarter": quarters.label(year, quarter)}
        )
    with transaction.atomic():
        for nomination in waiting:
            nomination_step(actor=actor, case=nomination, step="publish", now=now)
        audit.record(
            actor,
            AuditAction.PUBLISH,
            None,
            region=found,
            after={"quarter": quarters.key(year, quarter), "count": len(waiting)},
        )
    return waiting
