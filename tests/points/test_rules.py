from datetime import timedelta
from decimal import Decimal

import pytest

from core.errors import DomainError, NotFound
from points import services
from points.models import Claim, ClaimStatus, LedgerEntry, RuleItem
from points.subjects import subject_of


def test_anjia_template_has_6_categories_34_items_and_10_negative(scheme):
    book = scheme.rulebooks.get()
    items = RuleItem.objects.filter(rulebook=book)
    positive = items.filter(negative_list=False)
    assert book.categories.exclude(name="负面清单").count() == 6
    assert positive.count() == 34
    assert min(i.points for i in positive) == Decimal("0.4") and max(i.points for i in positive) == Decimal("3")
    negative = items.filter(negative_list=True)
    assert negative.count() == 10 and {i.points for i in negative} == {Decimal("-5")}


def test_grid_worker_records_and_review_appends_to_ledger(world, scheme, item, today):
    subject = subject_of(world.households["a1"])
    claim = services.claim_record(
        actor=world.users["grid_a1"], scheme=scheme, subject=subject, item=item, occurred_on=today
    )
    assert claim.status == ClaimStatus.PENDING and not LedgerEntry.objects.exists()
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    entry = LedgerEntry.objects.get()
    assert entry.score_delta == Decimal("1") and entry.balance_delta == Decimal("1")
    assert entry.subject_key == f"h:{world.households['a1'].pk}" and entry.grid_id == world.grid_a1.pk


def test_grid_worker_cannot_record_outside_their_grid(world, scheme, item, today):
    with pytest.raises(NotFound):
        services.claim_record(
            actor=world.users["grid_a1"],
            scheme=scheme,
            subject=subject_of(world.households["a1b"]),
            item=item,
            occurred_on=today,
        )


def test_cap_per_month_is_enforced(world, scheme, item, today):
    subject = subject_of(world.households["a1"])
    services.claim_record(actor=world.users["grid_a1"], scheme=scheme, subject=subject, item=item, occurred_on=today)
    with pytest.raises(DomainError) as exc:
        services.claim_record(
            actor=world.users["grid_a1"], scheme=scheme, subject=subject, item=item, occurred_on=today
        )
    assert "item" in exc.value.error_dict
    assert Claim.objects.count() == 1


def test_evidence_required_items_refuse_without_evidence(world, scheme, today, photo):
    evidence_item = RuleItem.objects.get(rulebook__scheme=scheme, code="1.2")
    subject = subject_of(world.households["a1"])
    with pytest.raises(DomainError) as exc:
        services.claim_record(
            actor=world.users["grid_a1"], scheme=scheme, subject=subject, item=evidence_item, occurred_on=today
        )
    assert "evidence" in exc.value.error_dict
    services.claim_record(
        actor=world.users["grid_a1"],
        scheme=scheme,
        subject=subject,
        item=evidence_item,
        occurred_on=today,
        evidence=photo(),
    )


def test_same_form_submitted_twice_is_stored_once(world, scheme, item, today):
    subject = subject_of(world.households["a1"])
    first = services.claim_record(
        actor=world.users["grid_a1"], scheme=scheme, subject=subject, item=item, occurred_on=today, client_key="abc-123"
    )
    second = services.claim_record(
        actor=world.users["grid_a1"], scheme=scheme, subject=subject, item=item, occurred_on=today, client_key="abc-123"
    )
    assert first.pk == second.pk and Claim.objects.count() == 1


def test_future_dates_and_items_of_other_versions_are_refused(world, scheme, item, today):
    subject = subject_of(world.households["a1"])
    with pytest.raises(DomainError):
        services.claim_record(
            actor=world.users["grid_a1"],
            scheme=scheme,
            subject=subject,
            item=item,
            occurred_on=today + timedelta(days=1),
        )
    cadre = world.users["cadre_a1"]
    v2 = services.rulebook_create(
        actor=cadre,
        scheme=scheme,
        title="v2",
        effective_from=today - timedelta(days=10),
        copy_from=scheme.rulebooks.get(version=1),
    )
    services.rulebook_adopt(actor=cadre, rulebook=v2, decision_ref="决议第9号")
    # Today v2 is in force: v1's item is refused, v2's same item is accepted; past v1 entries are untouched.
    with pytest.raises(DomainError):
        services.claim_record(
            actor=world.users["grid_a1"], scheme=scheme, subject=subject, item=item, occurred_on=today
        )
    v2_item = v2.items.get(code=item.code)
    services.claim_record(actor=world.users["grid_a1"], scheme=scheme, subject=subject, item=v2_item, occurred_on=today)
    services.claim_record(
        actor=world.users["grid_a1"], scheme=scheme, subject=subject, item=item, occurred_on=today - timedelta(days=40)
    )


def test_adopted_rule_books_cannot_change(world, scheme, item):
    with pytest.raises(DomainError):
        services.rule_item_save(
            actor=world.users["cadre_a1"],
            rulebook=scheme.rulebooks.get(),
            category_name="x",
            code="9.9",
            text="新",
            points=1,
        )


def test_review_of_an_already_reviewed_claim_changes_nothing(world, scheme, item, today):
    subject = subject_of(world.households["a1"])
    claim = services.claim_record(
        actor=world.users["grid_a1"], scheme=scheme, subject=subject, item=item, occurred_on=today
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=False, reason="不属实")
    with pytest.raises(DomainError):
        services.claims_review(actor=world.users["cadre_a1"], claim_ids=[claim.pk], approve=True)
    assert not LedgerEntry.objects.exists()


def test_ledger_rows_cannot_be_changed(world, scheme, item, today):
    from core.models import AppendOnlyError

    subject = subject_of(world.households["a1"])
    claim = services.claim_record(
        actor=world.users["grid_a1"], scheme=scheme, subject=subject, item=item, occurred_on=today
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    entry = LedgerEntry.objects.get()
    entry.score_delta = Decimal("99")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_cached_standings_follow_new_entries_households_and_names(world, scheme, item, today):
    from points import standings as calc
    from registry import services as registry_services

    quarter = calc.quarter_of(today)
    before = {s.key: s.score for s in calc.standings(scheme, today.year, quarter)}
    claim = services.claim_record(
        actor=world.users["grid_a1"],
        scheme=scheme,
        subject=subject_of(world.households["a1"]),
        item=item,
        occurred_on=today,
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    after = {s.key: s.score for s in calc.standings(scheme, today.year, quarter)}
    key = subject_of(world.households["a1"]).key
    assert after[key] == before[key] + item.points
    household = registry_services.household_create(
        actor=world.users["cadre_a1"], village=world.village_a1, number="0300"
    )
    assert subject_of(household).key in {s.key for s in calc.standings(scheme, today.year, quarter)}
    registry_services.person_create(
        actor=world.users["cadre_a1"], household=household, name="周新", relation="head", gender="M"
    )
    labels = {s.label for s in calc.standings(scheme, today.year, quarter)}
    assert "周新户" in labels
    table = calc.standings(scheme, today.year, quarter)
    table[0].lists.append("red")
    assert calc.standings(scheme, today.year, quarter)[0].lists == []  # callers get fresh objects
