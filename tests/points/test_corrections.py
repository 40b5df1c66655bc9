"""A correction made after a quarter was signed off and published (issue 17 #2).

Rule: a reversal is dated when it is decided, in a period that is open (a quarter signed off is closed); the
published notice stays as it was and the live standings of that quarter keep matching it; the next publication
shows the correction, named as such, with the entry it undoes and the notice that entry was counted in. The
ledger stays append-only. The examples use the quarter before today's (``previous``) as the closed one.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import formats, timezone, translation

from core import workflow
from points import services
from points import standings as calc
from points.flows import APPEAL
from points.models import Claim, EntryKind, LedgerEntry, Publication
from points.subjects import subject_of


def previous_quarter(today: date) -> tuple[int, int]:
    start, _end = calc.period_bounds(today.year, calc.quarter_of(today))
    last = start - timedelta(days=1)
    return last.year, calc.quarter_of(last)


def _award(world, scheme, item, day, household="a1"):
    claim = services.claim_record(
        actor=world.users["cadre_a1"],
        scheme=scheme,
        subject=subject_of(world.households[household]),
        item=item,
        occurred_on=day,
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    return LedgerEntry.objects.get(claim=claim)


def _close(world, scheme, year, quarter):
    cadre = world.users["cadre_a1"]
    services.quarter_signoff(actor=cadre, scheme=scheme, year=year, quarter=quarter)
    return services.quarter_publish(actor=cadre, scheme=scheme, year=year, quarter=quarter)


def _scores(snapshot) -> dict[str, str]:
    return {row["name"]: row["score"] for row in snapshot["rows"]}


def _live(scheme, year, quarter) -> dict[str, str]:
    return {services.quarters._mask(s.label): str(s.score) for s in calc.standings(scheme, year, quarter)}


def test_an_appeal_overturned_after_publication_is_counted_when_decided_and_named_on_the_next_notice(
    world, scheme, item, today, client
):
    year, quarter = previous_quarter(today)
    last_day = calc.period_bounds(year, quarter)[1]
    entry = _award(world, scheme, item, last_day)  # +1 in the previous quarter
    posted = _close(world, scheme, year, quarter)
    assert _scores(posted.snapshot)["王**户"] == "11.00"

    appeal = services.appeal_file(actor=world.users["villager_a1"], entry=entry, reason="那天不是我家")
    services.appeal_decide(actor=world.users["reviewer_a1"], appeal=appeal, overturn=True, note="经核实，记录有误")

    reversal = LedgerEntry.objects.get(reverses=entry)
    assert reversal.kind == EntryKind.REVERSAL and reversal.occurred_on == timezone.localdate()  # dated when decided
    assert reversal.score_delta == -entry.score_delta and reversal.balance_delta == -entry.balance_delta
    # the closed quarter: live standings still match the posted notice, which did not change
    posted.refresh_from_db()
    assert _live(scheme, year, quarter) == _scores(posted.snapshot)
    assert _scores(posted.snapshot)["王**户"] == "11.00"
    # the quarter the decision falls in counts the correction
    current = calc.quarter_of(today)
    assert {s.label: s.score for s in calc.standings(scheme, today.year, current)}["王建国户"] == Decimal("9.00")
    named = calc.corrections(scheme, today.year, current)
    assert [(c.entry_id, c.points, c.entry_date, c.appeal) for c in named] == [
        (entry.pk, Decimal("-1.00"), last_day, True)
    ]

    # the next notice names it and refers to the entry and the notice it was counted in
    following = _close(world, scheme, today.year, current)
    assert following.snapshot["corrections"] == [
        {
            "name": "王**户",
            "grid": world.grid_a1.name,
            "points": "-1.00",
            "entry": entry.pk,
            "entry_date": last_day.isoformat(),
            "year": year,
            "quarter": quarter,
            "publication": posted.pk,
        }
    ]
    with translation.override("zh-hans"):
        page = client.get(f"/points/public/publication/{following.pk}/").content.decode()
        printed = client.get(f"/points/public/publication/{following.pk}/print/").content.decode()
        named_text = translation.gettext(
            "Correction: %(name)s, entry no. %(entry)s of %(date)s undone (%(points)s points in this quarter)"
        ) % {"name": "王**户", "entry": entry.pk, "date": formats.date_format(last_day, "DATE_FORMAT"), "points": "-1"}
    for text in (page, printed):
        assert named_text in text
    assert f'href="/points/public/publication/{posted.pk}/"' in page
    earlier = client.get(f"/points/public/publication/{posted.pk}/").content.decode()
    assert named_text not in earlier  # the earlier notice is as it was posted
    api = client.get(f"/api/points/public/{world.village_a1.code}/publications").json()
    by_id = {p["id"]: p["snapshot"] for p in api}
    assert by_id[following.pk]["corrections"][0]["entry"] == entry.pk and by_id[posted.pk]["corrections"] == []


def test_a_correction_decided_after_the_current_quarter_was_signed_off_counts_in_the_next(world, scheme, item, today):
    current = calc.quarter_of(today)
    entry = _award(world, scheme, item, today)
    posted = _close(world, scheme, today.year, current)
    reversal = services.entry_reverse(actor=world.users["reviewer_a1"], entry=entry, reason="重复记录")
    first_open = calc.period_bounds(today.year, current)[1] + timedelta(days=1)
    assert reversal.occurred_on == first_open == calc.first_open_day(scheme.pk, today)
    assert _live(scheme, today.year, current) == _scores(posted.snapshot)


def test_an_award_for_a_closed_quarter_is_counted_in_the_open_one(world, scheme, item, today):
    """A deed of the closed quarter recorded late keeps its date on the claim; its entry counts when it can."""
    year, quarter = previous_quarter(today)
    posted = _close(world, scheme, year, quarter)
    late_day = calc.period_bounds(year, quarter)[1]
    entry = _award(world, scheme, item, late_day)
    assert entry.claim.occurred_on == late_day and entry.occurred_on == calc.first_open_day(scheme.pk, late_day)
    assert entry.occurred_on > late_day
    assert _live(scheme, year, quarter) == _scores(posted.snapshot)


def test_the_engine_dates_the_reversal_by_the_decision_not_by_the_entry(world, scheme, item, today):
    """Through the appeal page's one form (the generic step), the decision's moment dates the reversal."""
    year, quarter = previous_quarter(today)
    entry = _award(world, scheme, item, calc.period_bounds(year, quarter)[0])
    appeal = services.appeal_file(actor=world.users["villager_a1"], entry=entry, reason="有误")
    workflow.transition(
        actor=world.users["reviewer_a1"],
        case=appeal,
        flow=APPEAL,
        name="decide",
        data={"decision": "overturn"},
        note="属实",
    )
    assert LedgerEntry.objects.get(reverses=entry).occurred_on == timezone.localdate()
    assert not Publication.objects.exists() and Claim.objects.count() == 1


def test_my_history_names_the_correction_and_the_entry_it_undoes(world, scheme, item, today, login):
    year, quarter = previous_quarter(today)
    entry = _award(world, scheme, item, calc.period_bounds(year, quarter)[1])
    _close(world, scheme, year, quarter)
    services.entry_reverse(actor=world.users["reviewer_a1"], entry=entry, reason="记录有误")
    page = login(world.users["villager_a1"]).get("/points/me/").content.decode()
    assert f"#{entry.pk}" in page and "记录有误" in page
