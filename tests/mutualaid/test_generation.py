"""The county-scale generator of mutual aid (mutualaid.generation and generate_mutual_aid), on a small county: the
fund's ledger is what fund.write allows (recorded in order, never below zero, one payout per paid application, each
reversal naming its entry), every application follows from its timeline over the five steps with its amount within
the bands, the deadline run finds nothing left, a real payout works on a generated case, the same seed gives the same
data, and a county is generated once."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from committees.models import CommitteeKind, Member
from core import workflow
from mutualaid import bands, fund, services
from mutualaid.flows import MUTUAL_AID
from mutualaid.generation import GenerationError, generate_mutual_aid
from mutualaid.models import Application, EntryKind, FundEntry
from tests.customs.test_generation import NOW, check_timelines, make_county


@pytest.fixture
def county(db):
    return make_county("519941")


def _check_ledger(county):
    entries = list(FundEntry.objects.filter(county=county).order_by("pk"))
    running = defaultdict(Decimal)
    for e in entries:  # in the order inserted, as fund.write sees them
        running[e.village_id] += e.amount
        assert running[e.village_id] >= 0, e
    recorded = [e.recorded_at for e in entries]
    assert recorded == sorted(recorded)  # inserted in the order recorded
    for village_id, total in running.items():
        assert fund.balance(village_id) == total
    payouts = {e.application_id: e for e in entries if e.kind == EntryKind.PAYOUT}
    for case in Application.objects.filter(county=county):
        if case.state == "paid":
            entry = payouts.pop(case.pk)
            assert entry.amount == -case.approved_amount and entry.on == case.paid_on
            assert entry.village_id == case.village_id and entry.donor == case.number
        else:
            assert case.paid_on is None
    assert payouts == {}
    for e in entries:
        if e.kind == EntryKind.REVERSAL:
            assert e.reverses.amount == -e.amount and e.reverses.kind == EntryKind.CONTRIBUTION
            assert e.reverses.recorded_at <= e.recorded_at
        elif e.kind == EntryKind.CONTRIBUTION:
            assert e.amount > 0 and e.source
    return entries


def test_the_ledger_never_goes_below_zero_and_pays_each_application_once(county):
    county, admin = county
    summary = generate_mutual_aid(county, admin, seed=3, per_year=200, now=NOW)
    entries = _check_ledger(county)
    kinds = Counter(e.kind for e in entries)
    assert kinds[EntryKind.CONTRIBUTION] > 20 and kinds[EntryKind.PAYOUT] > 50
    assert sum(summary["fund_entries"].values()) == len(entries)
    assert {e.source for e in entries if e.kind == EntryKind.CONTRIBUTION} == {"masses", "government", "society"}


def test_a_fund_short_of_money_pays_nothing_it_lacks(county):
    """Many applications for four small villages: the payouts the funds cannot meet are not made."""
    county, admin = county
    summary = generate_mutual_aid(county, admin, seed=4, per_year=400, now=NOW)
    assert summary["payouts_refused_for_want_of_money"] > 0
    _check_ledger(county)
    waiting = Application.objects.filter(county=county, state="approved")
    assert waiting.count() >= summary["payouts_refused_for_want_of_money"]
    assert all(a.overdue for a in waiting if a.deadline_at < NOW)


def test_applications_follow_their_timelines_over_the_five_steps(county):
    county, admin = county
    generate_mutual_aid(county, admin, seed=5, per_year=200, now=NOW)
    found = check_timelines(Application, MUTUAL_AID, county, NOW)
    steps = Counter(e.transition for events in found.values() for e in events)
    for name in ("group_verify", "association_verify", "approve", "pay", "return_to_applicant", "resubmit"):
        assert steps[name] > 0, name
    assert steps["decline_at_group"] + steps["decline_at_association"] + steps["decline"] > 0
    association = defaultdict(set)
    for m in Member.objects.current().filter(committee__county=county, committee__kind=CommitteeKind.MUTUAL_AID):
        association[m.committee.village_id].add(m.user_id)
    leaders = {
        m.group_id: m.user_id
        for m in Member.objects.current().filter(committee__county=county, committee__kind=CommitteeKind.GROUP_LEADERS)
    }
    for case in Application.objects.filter(county=county):
        assert case.number.startswith(f"HZ{county.code}-2026-") and case.created_at == case.opened_at
        top = bands.ceiling(case.village_id)
        assert 0 < case.amount_asked <= top
        if case.approved_amount is not None:
            assert (
                case.approved_amount <= top
                and case.band_name == bands.band_for(case.village_id, case.approved_amount).name
            )
        if case.state == "declined":
            assert case.decline_reason
        for e in found[case.pk]:
            if e.transition == "group_verify":
                assert e.actor_id == leaders.get(case.group_id)
            if e.transition in ("association_verify", "pay"):
                assert e.actor_id in association[case.village_id]
    assert workflow.run_deadlines(MUTUAL_AID, now=NOW).flagged == []


def test_a_real_payout_works_on_a_generated_application(county):
    county, admin = county
    generate_mutual_aid(county, admin, seed=4, per_year=400, now=NOW)
    case = Application.objects.filter(county=county, state="approved").order_by("pk").first()
    cadre = User.objects.get(username=f"vc{case.village.code}")
    payer = User.objects.get(username=f"ma{case.village.code}")
    today = timezone.localdate().isoformat()
    services.contribution_record(actor=cadre, village=case.village, source="society", amount="50000", on=today, now=NOW)
    before = fund.balance(case.village_id)
    services.application_step(actor=payer, case=case, step="pay", data={"paid_on": today, "how": "转账"}, now=NOW)
    case.refresh_from_db()
    assert case.state == "paid" and fund.balance(case.village_id) == before - case.approved_amount
    _check_ledger(county)


def test_generated_pages_work(county, login):
    county, admin = county
    generate_mutual_aid(county, admin, seed=6, per_year=60, now=NOW)
    case = Application.objects.filter(county=county, state="paid").order_by("pk").first()
    client = login(User.objects.get(username=f"vc{case.village.code}"))
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200 and case.number in page.content.decode()
    assert client.get("/mutualaid/fund/").status_code == 200


def _signature(county) -> list:
    code = county.code
    apps = [
        (a.number.replace(code, ""), a.state, a.opened_at, a.version, a.amount_asked, a.approved_amount, a.paid_on)
        for a in Application.objects.filter(county=county).order_by("number")
    ]
    ledger = [
        (e.kind, e.source, e.amount, e.on, e.recorded_at)
        for e in FundEntry.objects.filter(county=county).order_by("recorded_at", "pk")
    ]
    return [apps, ledger]


def test_the_same_seed_gives_the_same_fund_and_applications(db):
    first, admin = make_county("519942")
    second, _admin = make_county("519943")
    third, _admin = make_county("519944")
    generate_mutual_aid(first, admin, seed=7, per_year=80, now=NOW)
    generate_mutual_aid(second, admin, seed=7, per_year=80, now=NOW)
    generate_mutual_aid(third, admin, seed=8, per_year=80, now=NOW)
    assert _signature(first) == _signature(second) != _signature(third)


def test_a_county_is_generated_once_and_the_command_refuses_clearly(county):
    county, admin = county
    out = StringIO()
    call_command("generate_mutual_aid", "--county", county.code, "--per-year", "30", stdout=out)
    assert "'applications':" in out.getvalue() and Application.objects.filter(county=county).exists()
    _check_ledger(county)
    with pytest.raises(GenerationError):
        generate_mutual_aid(county, admin, seed=1, per_year=10, now=NOW)
    with pytest.raises(CommandError, match="has mutual-aid applications or fund entries already"):
        call_command("generate_mutual_aid", "--county", county.code)
    with pytest.raises(CommandError, match="No county 519999"):
        call_command("generate_mutual_aid", "--county", "519999")
    User.objects.filter(username="bench_county").update(username="someone_else")
    with pytest.raises(CommandError, match="No bench_county account"):
        call_command("generate_mutual_aid", "--county", county.code)
