"""Every write of the seven goods. Each checks scope (outside it: NotFound), runs in one transaction, records an
audit event, and on bad input raises DomainError with a Chinese message, writing nothing.

- the county's sheet: ``sheet_create`` writes version n+1 (a version is never changed, decision 0009),
  ``sheet_retire`` gives it an end date; ``policy_set`` the board shares; ``set_up_county`` the defaults;
- a village's quarter: ``round_open``, ``inspection_save`` (a re-save in an open round replaces the household's
  deductions), ``round_publish`` (ranks and boards frozen on the rows), ``recheck_save`` (整改后复查 of a household on
  the exposure board, until the next quarter starts, recorded beside the published inspection).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Case, Max, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.attachments import prepare_photos
from core import audit, scope
from core.errors import DomainError, NotFound
from core.fields import Date, clean_text, clean_value
from core.roles import Action
from inspections import ranking, selectors
from inspections.audit_labels import AuditAction
from inspections.defaults import DEFAULT_TITLE, DEFAULT_TOTAL, default_headings
from inspections.models import Deduction, Detail, Heading, Inspection, Kind, Policy, Round, RoundState, Sheet
from regions.models import Region
from registry.models import Household

HEADINGS = 7
MAX_DETAILS = 20  # per heading
MAX_TOTAL = 1000


def _day(field: str, value) -> date | None:
    if isinstance(value, date):
        return value
    cleaned = clean_value(Date(field, field, required=False), value)
    return date.fromisoformat(cleaned) if cleaned else None


def _points(value, field: str, *, minimum: int = 1, maximum: int = MAX_TOTAL) -> int:
    if isinstance(value, bool) or value is None or str(value).strip() == "":
        raise DomainError({field: _("Give the points as a whole number.")})
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError({field: _("Give the points as a whole number.")}) from None
    if number < minimum or number > maximum:
        raise DomainError(
            {field: _("The points must be between %(low)s and %(high)s.") % {"low": minimum, "high": maximum}}
        )
    return number


# -- the county's sheet ------------------------------------------------------------------------------------------


def clean_sheet(title, total, headings) -> tuple[str, int, list[dict]]:
    """The sheet's title, total and headings (each with its details), checked: seven headings, details whose
    points add up to their heading's, headings adding up to the total."""
    title = clean_text(title, "title", max_length=80)
    total = _points(total, "total")
    if not isinstance(headings, (list, tuple)) or len(headings) != HEADINGS:
        raise DomainError({"headings": _("The sheet has the seven goods: give exactly 7 headings.")})
    cleaned, errors = [], []
    for index, heading in enumerate(headings, start=1):
        if not isinstance(heading, dict):
            raise DomainError({"headings": _("Heading %(n)s is not readable.") % {"n": index}})
        name = clean_text(heading.get("name"), "headings", max_length=40)
        points = _points(heading.get("points"), "headings")
        details = heading.get("details") or []
        if not isinstance(details, (list, tuple)) or not details:
            raise DomainError({"headings": _("“%(name)s” needs at least one detail.") % {"name": name}})
        if len(details) > MAX_DETAILS:
            raise DomainError(
                {"headings": _("“%(name)s” has more than %(n)s details.") % {"name": name, "n": MAX_DETAILS}}
            )
        rows = []
        for detail in details:
            if not isinstance(detail, dict):
                raise DomainError({"headings": _("A detail of “%(name)s” is not readable.") % {"name": name}})
            rows.append(
                {
                    "text": clean_text(detail.get("text"), "headings", max_length=120),
                    "points": _points(detail.get("points"), "headings"),
                }
            )
        added = sum(r["points"] for r in rows)
        if added != points:
            errors.append(
                _("The details of “%(name)s” add up to %(sum)s points, not the heading's %(points)s.")
                % {"name": name, "sum": added, "points": points}
            )
        cleaned.append({"name": name, "points": points, "details": rows})
    if len({h["name"] for h in cleaned}) != len(cleaned):
        errors.append(_("Two headings have the same name."))
    added = sum(h["points"] for h in cleaned)
    if added != total:
        errors.append(
            _("The headings add up to %(sum)s points, not the sheet's total of %(total)s.")
            % {"sum": added, "total": total}
        )
    if errors:
        raise DomainError({"headings": errors})
    return title, total, cleaned


def _sheet_snapshot(sheet: Sheet) -> dict:
    return {
        "version": sheet.number,
        "title": sheet.title,
        "total": sheet.total,
        "effective_from": sheet.effective_from.isoformat(),
        "retired_on": sheet.retired_on.isoformat() if sheet.retired_on else None,
        "details": Detail.objects.filter(heading__sheet=sheet).count(),
    }


def _write_sheet(county, title, total, headings, effective_from, note, actor) -> Sheet:
    Region.objects.select_for_update().filter(pk=county.pk).first()  # version numbers taken one at a time
    number = (Sheet.objects.filter(county=county).aggregate(m=Max("number"))["m"] or 0) + 1
    sheet = Sheet.objects.create(
        county=county,
        number=number,
        title=title,
        total=total,
        effective_from=effective_from,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for order, heading in enumerate(headings, start=1):
        row = Heading.objects.create(sheet=sheet, order=order, name=heading["name"], points=heading["points"])
        Detail.objects.bulk_create(
            Detail(heading=row, order=n, text=d["text"], points=d["points"])
            for n, d in enumerate(heading["details"], start=1)
        )
    return sheet


@transaction.atomic
def sheet_create(*, actor, county, title, total, headings, effective_from=None, note="") -> Sheet:
    """A new version of the county's sheet (number + 1); versions already written stay as they are, and a round
    keeps the version it was opened on."""
    selectors.require_county(actor, county)
    title, total, headings = clean_sheet(title, total, headings)
    note = clean_text(note, "note", max_length=300, required=False)
    day = _day("effective_from", effective_from) or timezone.localdate()
    sheet = _write_sheet(county, title, total, headings, day, note, actor)
    audit.record(actor, AuditAction.SHEET_CREATE, sheet, after=_sheet_snapshot(sheet), region=county)
    return sheet


@transaction.atomic
def sheet_retire(*, actor, sheet, retired_on=None) -> Sheet:
    """停用: from ``retired_on`` (default today) no round is opened on it and no household inspected on it."""
    locked = Sheet.objects.select_for_update().filter(pk=getattr(sheet, "pk", sheet)).first()
    if locked is None:
        raise NotFound()
    selectors.require_county(actor, locked.county_id)
    if locked.retired_on is not None:
        raise DomainError(_("This version is already retired (from %(day)s).") % {"day": locked.retired_on.isoformat()})
    day = _day("retired_on", retired_on) or timezone.localdate()
    if day < locked.effective_from:
        raise DomainError(
            {
                "retired_on": _("A version cannot be retired before it takes effect (%(day)s).")
                % {"day": locked.effective_from.isoformat()}
            }
        )
    before = _sheet_snapshot(locked)
    locked.retired_on = day
    locked.save(update_fields=["retired_on"])
    audit.record(
        actor, AuditAction.SHEET_RETIRE, locked, before=before, after=_sheet_snapshot(locked), region=locked.county
    )
    return locked


def _percent(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError({field: _("Give a percentage, e.g. 5.")}) from None
    if not number.is_finite() or number <= 0 or number > 50:
        raise DomainError({field: _("A share is more than 0 % and at most 50 %.")})
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def policy_set(*, actor, county, praise_percent, exposure_percent, group_percent) -> Policy:
    """The county's shares: the 表扬栏 (top), the 曝光台 (bottom), and the village groups' top and bottom."""
    selectors.require_county(actor, county)
    errors, values = {}, {}
    for field, value in (
        ("praise_percent", praise_percent),
        ("exposure_percent", exposure_percent),
        ("group_percent", group_percent),
    ):
        try:
            values[field] = _percent(value, field)
        except DomainError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise DomainError(errors)
    if values["praise_percent"] + values["exposure_percent"] > 100:
        raise DomainError({"exposure_percent": _("The two boards together cannot hold more than every household.")})
    row = Policy.objects.select_for_update().filter(county_id=county.pk).first() or Policy(county_id=county.pk)
    before = {k: str(getattr(row, k)) for k in values} if row.pk else None
    for k, v in values.items():
        setattr(row, k, v)
    row.save()
    after = {k: str(v) for k, v in values.items()}
    was, now = audit.diff(before, after)
    audit.record(actor, AuditAction.POLICY_SET, row, before=was, after=now, region=county, target_label=county.name)
    return row


def set_up_county(county) -> None:
    """The defaults of a new county (core.plugins.CountySetup, idempotent): the default sheet as version 1, and
    nothing else (the shares default to 2 % / 5 % / 20 % until the county sets them)."""
    if Sheet.objects.filter(county=county).exists():
        return
    title, total, headings = clean_sheet(DEFAULT_TITLE, DEFAULT_TOTAL, default_headings())
    _write_sheet(county, title, total, headings, date(2020, 1, 1), "", None)


# -- a village's quarter -----------------------------------------------------------------------------------------


def _village(actor, village, action) -> Region:
    pk = getattr(village, "pk", village)
    found = selectors.villages(actor, action).filter(pk=pk).first() if pk not in (None, "") else None
    if found is None:
        raise NotFound()
    return found


@transaction.atomic
def round_open(*, actor, village, year, quarter) -> Round:
    """Open a village's quarter on the county's sheet in force today."""
    village = _village(actor, village, Action.INSPECTION_PUBLISH)
    try:
        year, quarter = int(year), int(quarter)
    except (TypeError, ValueError):
        raise DomainError({"quarter": _("Choose a year and a quarter.")}) from None
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise DomainError({"quarter": _("Choose a year and a quarter.")})
    today = timezone.localdate()
    if selectors.quarter_start(year, quarter) > today:
        raise DomainError({"quarter": _("This quarter has not begun yet.")})
    Region.objects.select_for_update().filter(pk=village.pk).first()
    if Round.objects.filter(village=village, year=year, quarter=quarter).exists():
        raise DomainError({"quarter": _("This quarter's round is already open for the village.")})
    sheet = selectors.sheet_in_force(village.county_id, today)
    if sheet is None:
        raise DomainError(_("The county has no scoring sheet in force: ask the county to issue one."))
    rnd = Round(year=year, quarter=quarter, sheet=sheet, opened_by=actor)
    rnd.place_in(village)
    rnd.save()
    audit.record(
        actor,
        AuditAction.ROUND_OPEN,
        rnd,
        after={"year": year, "quarter": quarter, "sheet": sheet.number},
    )
    return rnd


def _locked_round(actor, rnd, action) -> Round:
    pk = getattr(rnd, "pk", rnd)
    if not str(pk).isdigit():
        raise NotFound()
    found = Round.objects.select_for_update().select_related("village", "sheet").filter(pk=pk).first()
    if found is None or not scope.in_place(actor, action, found):  # the rule of selectors.rounds
        raise NotFound()
    return found


def _clean_deductions(sheet: Sheet, deductions, photos, existing: dict) -> tuple[list[tuple[Detail, int]], dict]:
    """Deductions {detail id: points} on the sheet's details, each at most the detail's points, each with a photo
    (a new one, or the one kept from the household's earlier save of the same detail)."""
    details = {d.pk: d for d in Detail.objects.filter(heading__sheet=sheet).select_related("heading")}
    chosen, errors = [], {}
    for key, value in (deductions or {}).items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = None
        detail = details.get(pk)
        if detail is None:
            raise DomainError({"deductions": _("A deduction names a detail that is not on this round's sheet.")})
        field = f"d_{detail.pk}"
        if isinstance(value, bool):
            value = int(value)
        try:
            points = int(str(value).strip() or 0)
        except (TypeError, ValueError):
            errors[field] = [_("“%(detail)s”: give the points deducted as a whole number.") % {"detail": detail.text}]
            continue
        if points < 0:
            errors[field] = [_("“%(detail)s”: a deduction cannot be negative.") % {"detail": detail.text}]
        elif points > detail.points:
            errors[field] = [
                _("“%(detail)s”: at most %(points)s points can be deducted, not %(n)s.")
                % {"detail": detail.text, "points": detail.points, "n": points}
            ]
        elif points:
            chosen.append((detail, points))
    ready = {}
    for detail, _n in chosen:
        upload = (photos or {}).get(detail.pk) or (photos or {}).get(str(detail.pk))
        field = f"p_{detail.pk}"
        if upload:
            try:
                ready[detail.pk] = prepare_photos([upload], field=field, max_count=1)[0]
            except DomainError as exc:
                errors.update(exc.message_dict)
        elif detail.pk not in existing:
            errors[field] = [_("“%(detail)s”: take a photo of what the deduction is for.") % {"detail": detail.text}]
    if errors:
        raise DomainError(errors)
    return chosen, ready


def _write_deductions(inspection: Inspection, chosen, ready, existing: dict) -> None:
    inspection.deductions.all().delete()
    for detail, points in chosen:
        upload = ready.get(detail.pk)
        row = Deduction(inspection=inspection, detail=detail, points=points)
        if upload is not None:
            row.photo.save(upload.name, upload, save=False)
            row.thumbnail.save(upload.thumbnail.name, upload.thumbnail, save=False)
            row.content_type = upload.content_type
        else:
            kept = existing[detail.pk]
            row.photo.name, row.thumbnail.name, row.content_type = (
                kept.photo.name,
                kept.thumbnail.name,
                kept.content_type,
            )
        row.save()


def _inspection_snapshot(inspection: Inspection | None) -> dict | None:
    if inspection is None:
        return None
    return {
        "score": inspection.score,
        "deductions": {str(d.detail_id): d.points for d in inspection.deductions.all()},
        "note": inspection.note,
    }


def _household(rnd: Round, household) -> Household:
    pk = getattr(household, "pk", household)
    try:
        found = Household.objects.select_related("group", "grid").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None or found.village_id != rnd.village_id:
        raise DomainError(
            {
                "household": _("This household is not in %(village)s: only its households are scored in this round.")
                % {"village": rnd.village.name}
            }
        )
    return found


def _score(sheet: Sheet, chosen) -> int:
    return sheet.total - sum(points for _d, points in chosen)


@transaction.atomic
def inspection_save(*, actor, round, household, deductions=None, photos=None, note="") -> Inspection:
    """Score a household in an open round: full marks less its deductions (each ≤ its detail's points, each with a
    photo). Saving the household again replaces its deductions (the audit keeps before and after)."""
    rnd = _locked_round(actor, round, Action.INSPECTION_RECORD)
    household = _household(rnd, household)
    if not selectors.may_inspect(actor, household):
        raise NotFound()
    if rnd.state != RoundState.OPEN:
        raise DomainError(_("This round is published: its scores can no longer be changed."))
    today = timezone.localdate()
    if not rnd.sheet.in_force(today):
        raise DomainError(
            _("The scoring sheet of this round (version %(n)s) is retired: no household can be scored on it.")
            % {"n": rnd.sheet.number}
        )
    note = clean_text(note, "note", max_length=300, required=False)
    current = Inspection.objects.select_for_update().filter(round=rnd, household=household, kind=Kind.QUARTERLY).first()
    existing = {d.detail_id: d for d in current.deductions.all()} if current else {}
    chosen, ready = _clean_deductions(rnd.sheet, deductions, photos, existing)
    before = _inspection_snapshot(current)
    inspection = current or Inspection(round=rnd, household=household, kind=Kind.QUARTERLY)
    inspection.place_in(rnd.village)
    inspection.group_id, inspection.grid_id = household.group_id, household.grid_id
    inspection.inspector, inspection.inspected_at = actor, timezone.now()
    inspection.score, inspection.note = _score(rnd.sheet, chosen), note
    inspection.save()
    _write_deductions(inspection, chosen, ready, existing)
    after = _inspection_snapshot(inspection)
    audit.record(
        actor,
        AuditAction.INSPECTION_SAVE,
        inspection,
        before=before,
        after=after,
        target_label=f"{household} {rnd}",
    )
    return inspection


@transaction.atomic
def round_publish(*, actor, round, notice: bool = False) -> Round:
    """Publish the quarter: every inspected household gets its rank and its place on the 表扬栏 or the 曝光台 by
    the county's shares (ties at a cut-off included, ``inspections.ranking``); the round is frozen. With
    ``notice``, the boards are also posted on the village's notice board (inspections.publicity, 村务)."""
    rnd = _locked_round(actor, round, Action.INSPECTION_PUBLISH)
    if rnd.state != RoundState.OPEN:
        raise DomainError(_("This round is already published."))
    quarterly = Inspection.objects.filter(round=rnd, kind=Kind.QUARTERLY)
    rows = list(quarterly.values_list("pk", "score"))
    if not rows:
        raise DomainError(_("No household has been inspected in this round yet: nothing to publish."))
    p = selectors.policy(rnd.county_id)
    computed = ranking.boards(dict(rows), p.praise_percent, p.exposure_percent)
    # rank and board follow the score (ties share both): one UPDATE for the round, by score
    by_score: dict[int, tuple[int, str]] = {}
    for pk, score in rows:
        place = "praise" if pk in computed.top else "exposure" if pk in computed.bottom else ""
        by_score[score] = (computed.ranks[pk], place)
    quarterly.update(
        rank=Case(*(When(score=score, then=Value(rank)) for score, (rank, _place) in by_score.items())),
        board=Case(
            *(When(score=score, then=Value(place)) for score, (_rank, place) in by_score.items()), default=Value("")
        ),
    )
    rnd.state, rnd.published_by, rnd.published_at = RoundState.PUBLISHED, actor, timezone.now()
    rnd.praise_percent, rnd.exposure_percent, rnd.group_percent = (
        p.praise_percent,
        p.exposure_percent,
        p.group_percent,
    )
    rnd.save(
        update_fields=[
            "state",
            "published_by",
            "published_at",
            "praise_percent",
            "exposure_percent",
            "group_percent",
        ]
    )
    after = {
        "state": RoundState.PUBLISHED,
        "inspected": len(rows),
        "praise": len(computed.top),
        "exposure": len(computed.bottom),
    }
    if notice:
        from inspections.publicity import post_notice

        after["notice"] = post_notice(actor, rnd).pk
    audit.record(actor, AuditAction.ROUND_PUBLISH, rnd, before={"state": RoundState.OPEN}, after=after)
    return rnd


def recheck_open(inspection: Inspection, today: date | None = None) -> bool:
    """May this household still be reinspected? On the exposure board of a published round, before the next
    quarter starts."""
    rnd = inspection.round
    today = today or timezone.localdate()
    return (
        rnd.state == RoundState.PUBLISHED
        and inspection.kind == Kind.QUARTERLY
        and inspection.board == "exposure"
        and today < selectors.recheck_deadline(rnd)
    )


@transaction.atomic
def recheck_save(*, actor, inspection, deductions=None, photos=None, note="", rectified=None) -> Inspection:
    """整改后复查: a household on the 曝光台 is inspected again on the round's sheet, until the next quarter starts.
    The result is a row beside the published one (which stays as published); ``rectified`` is the inspector's
    finding (by default: the new score is higher). Saving again before the deadline replaces it."""
    pk = getattr(inspection, "pk", inspection)
    original = selectors.inspection_for(actor, pk)
    rnd = _locked_round(actor, original.round_id, Action.INSPECTION_RECORD)
    original = Inspection.objects.select_related("household", "round").get(pk=original.pk)
    if not selectors.may_inspect(actor, original.household):
        raise NotFound()
    if original.kind != Kind.QUARTERLY or original.board != "exposure" or rnd.state != RoundState.PUBLISHED:
        raise DomainError(_("Only a household on the exposure board of a published round is reinspected."))
    if not recheck_open(original):
        raise DomainError(
            _("The reinspection of this household was due before %(day)s: the next quarter has begun.")
            % {"day": selectors.recheck_deadline(rnd).isoformat()}
        )
    note = clean_text(note, "note", max_length=300, required=False)
    current = Inspection.objects.select_for_update().filter(recheck_of=original).first()
    existing = {d.detail_id: d for d in current.deductions.all()} if current else {}
    chosen, ready = _clean_deductions(rnd.sheet, deductions, photos, existing)
    before = _inspection_snapshot(current)
    row = current or Inspection(round=rnd, household=original.household, kind=Kind.RECHECK, recheck_of=original)
    row.place_in(rnd.village)
    row.group_id, row.grid_id = original.group_id, original.grid_id
    row.inspector, row.inspected_at = actor, timezone.now()
    row.score, row.note = _score(rnd.sheet, chosen), note
    row.rectified = bool(rectified) if rectified not in (None, "") else row.score > original.score
    row.save()
    _write_deductions(row, chosen, ready, existing)
    after = {**(_inspection_snapshot(row) or {}), "rectified": row.rectified}
    audit.record(
        actor,
        AuditAction.RECHECK_SAVE,
        row,
        before=before,
        after=after,
        target_label=f"{original.household} {rnd}",
    )
    return row
