"""Party points: templates, three-colour warning, 四方督评 and the yearly appraisal (seed 001 篇四 2)."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import DomainError, NotFound, PermissionDenied
from core.models import AuditEvent
from points import party, services
from points import standings as calc
from points.models import EntryKind, Evaluation, LedgerEntry, RuleBook, RuleItem, Scheme
from points.party.templates import PARTY_BRANCH, PARTY_MEMBER
from points.subjects import subject_of
from registry import services as registry_services

D = Decimal


@pytest.fixture
def branch(world):
    cadre = world.users["cadre_a1"]
    branch = registry_services.party_branch_create(actor=cadre, village=world.village_a1, name="安家村党支部")
    for key in ("a1_head", "a1b_head"):
        registry_services.party_member_add(actor=cadre, branch=branch, person=world.people[key])
    return branch


@pytest.fixture
def member_scheme(world, branch):
    return party.party_scheme_create(
        actor=world.users["cadre_a1"],
        village=world.village_a1,
        kind="party_member",
        decision_ref="支部党员大会 决议第1号",
    )


@pytest.fixture
def branch_scheme(world, branch):
    return party.party_scheme_create(actor=world.users["cadre_a1"], village=world.village_a1, kind="party_branch")


def key_of(world, person_key):
    return f"p:{world.people[person_key].pk}"


def award(world, scheme, obj, points, on, *, veto=False):
    """A ledger entry straight into the ledger (the review flow is tested once below)."""
    item = RuleItem.objects.filter(rulebook__scheme=scheme, negative_list=veto).first()
    return services._append(
        world.users["reviewer_a1"],
        scheme=scheme,
        fields=subject_of(obj).row_fields(),
        kind=EntryKind.AWARD,
        score=D(points),
        balance=D(points),
        occurred_on=on,
        reason=item.text,
        item=item,
    )


def this_quarter():
    today = timezone.localdate()
    return today.year, calc.quarter_of(today)


# -- templates -------------------------------------------------------------------------------------------------


def test_member_template_counts(world, member_scheme):
    assert member_scheme.kind == "party_member" and member_scheme.subject_kind == "person"
    assert member_scheme.base_score == D("60")
    assert member_scheme.warning_lines == {"red": 65, "yellow": 75, "blue": 85}
    book = RuleBook.objects.get(scheme=member_scheme)
    assert book.is_adopted and book.decision_ref == "支部党员大会 决议第1号"
    assert book.effective_from == date(timezone.localdate().year, 1, 1)
    assert list(book.categories.values_list("name", flat=True)) == ["参加组织生活", "先锋模范作用", "一票否决"]
    assert book.items.count() == 9 + 10 + 6 == len(PARTY_MEMBER["categories"][0][1]) + 10 + 6
    veto = book.items.filter(negative_list=True)
    assert veto.count() == 6
    assert set(veto.values_list("points", flat=True)) == {D("-100")}
    assert set(veto.values_list("category__name", flat=True)) == {"一票否决"}
    assert all(i.recorder_roles == ["village_cadre", "reviewer"] for i in book.items.all())
    assert AuditEvent.objects.filter(action="points.party.scheme.create", target_id=str(member_scheme.pk)).exists()


def test_branch_template_counts(world, branch_scheme):
    assert branch_scheme.subject_kind == "party_branch"
    assert branch_scheme.warning_lines == {"red": 70, "yellow": 80, "blue": 90}
    book = RuleBook.objects.get(scheme=branch_scheme)
    assert not book.is_adopted  # no decision named: a draft the branch can still edit
    assert list(book.categories.values_list("name", flat=True)) == [
        "基本制度坚持",
        "战斗堡垒作用",
        "党员群众评议评价",
        "一票否决",
    ]
    assert [len(items) for _name, items in PARTY_BRANCH["categories"]] == [10, 8, 5]
    assert book.items.count() == 29
    assert book.items.filter(negative_list=True, points=D("-100")).count() == 6


def test_templates_work_through_the_registry_of_templates(world, monkeypatch):
    """The same dicts work with services.rulebook_create(template=...) once registered in TEMPLATES."""
    from points import rulebook_templates

    monkeypatch.setitem(rulebook_templates.TEMPLATES, "party_member", PARTY_MEMBER)
    cadre = world.users["cadre_a1"]
    scheme = services.scheme_create(
        actor=cadre, village=world.village_a1, name="党员积分X", kind="party_member", subject_kind="person"
    )
    book = services.rulebook_create(
        actor=cadre, scheme=scheme, title="x", effective_from=timezone.localdate(), template="party_member"
    )
    assert book.items.count() == 25


def test_only_party_kinds_and_valid_lines(world):
    cadre = world.users["cadre_a1"]
    with pytest.raises(DomainError):
        party.party_scheme_create(actor=cadre, village=world.village_a1, kind="civility")
    with pytest.raises(DomainError):
        party.party_scheme_create(
            actor=cadre,
            village=world.village_a1,
            kind="party_member",
            warning_lines={"red": 80, "yellow": 75, "blue": 90},
        )
    assert not Scheme.objects.exists()
    with pytest.raises(NotFound):
        party.party_scheme_create(actor=world.users["cadre_b1"], village=world.village_a1, kind="party_member")


def test_member_scheme_scores_party_members_only(world, member_scheme):
    keys = {r.key for r in party.quarter_table(member_scheme, *this_quarter())}
    assert keys == {key_of(world, "a1_head"), key_of(world, "a1b_head")}


def test_recording_and_review_flow_feeds_the_quarter(world, member_scheme):
    item = RuleItem.objects.get(rulebook__scheme=member_scheme, code="1.1")  # 支部党员大会 +2
    member = world.people["a1_head"]
    claim = services.claim_record(
        actor=world.users["cadre_a1"],
        scheme=member_scheme,
        subject=subject_of(member),
        item=item,
        occurred_on=timezone.localdate(),
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    row = next(r for r in party.quarter_table(member_scheme, *this_quarter()) if r.key == f"p:{member.pk}")
    assert row.score == D("62")
    assert row.warning == party.RED
    with pytest.raises(DomainError):  # grid workers do not record party points
        services.claim_record(
            actor=world.users["grid_a1"],
            scheme=member_scheme,
            subject=subject_of(member),
            item=item,
            occurred_on=timezone.localdate(),
        )


# -- three-colour warning --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "score,colour",
    [
        ("0", "red"),
        ("64.99", "red"),
        ("65", "yellow"),
        ("74.99", "yellow"),
        ("75", "blue"),
        ("84.99", "blue"),
        ("85", "met"),
        ("120", "met"),
        ("-100", "red"),
    ],
)
def test_classification_at_the_edges(score, colour):
    assert party.classify(D(score), {"red": 65, "yellow": 75, "blue": 85}) == colour


def test_no_lines_no_colour():
    assert party.classify(D("50"), None) is None
    assert party.classify(D("50"), {}) is None


def test_quarter_table_on_the_line(world, member_scheme):
    year, quarter = this_quarter()
    award(world, member_scheme, world.people["a1_head"], "5", timezone.localdate())  # 60 + 5 = 65: on red
    rows = {r.key: r for r in party.quarter_table(member_scheme, year, quarter)}
    assert rows[key_of(world, "a1_head")].score == D("65")
    assert rows[key_of(world, "a1_head")].warning == party.YELLOW
    assert rows[key_of(world, "a1b_head")].warning == party.RED  # 60, nothing recorded
    assert party.warning_counts(rows.values()) == {"red": 1, "yellow": 1, "blue": 0, "met": 0}


@pytest.mark.parametrize(
    "lines",
    [
        {"red": 70, "yellow": 70, "blue": 90},
        {"red": 80, "yellow": 70, "blue": 90},
        {"red": 60, "yellow": 70},
        {"red": "abc", "yellow": 70, "blue": 90},
        {"red": 60, "yellow": 95, "blue": 90},
    ],
)
def test_warning_lines_validation(lines):
    with pytest.raises(DomainError):
        party.check_warning_lines(lines)


def test_warning_lines_set(world, member_scheme, scheme):
    cadre = world.users["cadre_a1"]
    party.warning_lines_set(actor=cadre, scheme=member_scheme, lines={"red": "50", "yellow": "62.5", "blue": 80})
    member_scheme.refresh_from_db()
    assert member_scheme.warning_lines == {"red": 50, "yellow": 62.5, "blue": 80}
    event = AuditEvent.objects.get(action="points.party.warning_lines")
    assert event.before == {"warning_lines": {"red": 65, "yellow": 75, "blue": 85}}
    with pytest.raises(NotFound):
        party.warning_lines_set(
            actor=world.users["township_a"], scheme=member_scheme, lines={"red": 1, "yellow": 2, "blue": 3}
        )
    with pytest.raises(DomainError):  # a household civility scheme has no warning lines
        party.warning_lines_set(actor=cadre, scheme=scheme, lines={"red": 1, "yellow": 2, "blue": 3})


# -- 四方督评 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "user,levels",
    [
        ("county_admin", ["county"]),
        ("county_official", ["county"]),
        ("township_a", ["township"]),
        ("cadre_a1", ["village", "villagers"]),
        ("reviewer_a1", []),
        ("grid_a1", []),
        ("villager_a1", []),
        ("cadre_b1", []),
        ("department", []),
    ],
)
def test_who_evaluates_which_level(world, member_scheme, user, levels):
    assert party.evaluator_levels(world.users[user], member_scheme) == levels


def _evaluate(world, scheme, user, level, score="88", person="a1_head", comment="", year=None, quarter=None):
    y, q = this_quarter()
    return party.evaluation_save(
        actor=world.users[user],
        scheme=scheme,
        subject_key=key_of(world, person),
        year=year or y,
        quarter=quarter or q,
        level=level,
        score=score,
        comment=comment,
    )


def test_each_level_entered_by_its_evaluator(world, member_scheme):
    _evaluate(world, member_scheme, "county_official", "county", "90")
    _evaluate(world, member_scheme, "township_a", "township", "80")
    _evaluate(world, member_scheme, "cadre_a1", "village", "85")
    _evaluate(world, member_scheme, "cadre_a1", "villagers", "92.5", comment="2026-03-20 民主测评 41 票")
    assert Evaluation.objects.count() == 4
    assert AuditEvent.objects.filter(action="points.party.evaluate").count() == 4


@pytest.mark.parametrize(
    "user,level,error",
    [
        ("county_admin", "township", PermissionDenied),
        ("township_a", "county", PermissionDenied),
        ("township_a", "village", PermissionDenied),
        ("cadre_a1", "county", PermissionDenied),
        ("cadre_a1", "township", PermissionDenied),
        ("reviewer_a1", "village", PermissionDenied),
        ("cadre_b1", "village", NotFound),
        ("villager_a1", "villagers", NotFound),
    ],
)
def test_wrong_evaluator_refused(world, member_scheme, user, level, error):
    with pytest.raises(error):
        _evaluate(world, member_scheme, user, level, comment="x")
    assert not Evaluation.objects.exists()


def test_one_evaluation_per_level_per_quarter(world, member_scheme):
    _evaluate(world, member_scheme, "cadre_a1", "village", "85")
    with pytest.raises(DomainError):
        _evaluate(world, member_scheme, "cadre_a1", "village", "70")
    _evaluate(world, member_scheme, "cadre_a1", "village", "70", person="a1b_head")  # another subject
    _evaluate(world, member_scheme, "township_a", "township", "70")  # another level
    year, quarter = this_quarter()
    if quarter > 1:
        _evaluate(world, member_scheme, "cadre_a1", "village", "75", quarter=quarter - 1)  # another quarter
    assert Evaluation.objects.get(subject_key=key_of(world, "a1_head"), level="village", quarter=quarter).score == 85


def test_bulk_evaluations_are_all_or_nothing(world, member_scheme):
    year, quarter = this_quarter()
    rows = [(key_of(world, "a1_head"), "90", ""), (key_of(world, "a1b_head"), "101", "")]
    with pytest.raises(DomainError) as exc:
        party.evaluations_save(
            actor=world.users["cadre_a1"], scheme=member_scheme, year=year, quarter=quarter, level="village", rows=rows
        )
    assert "李秀英" in " ".join(exc.value.messages)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("score", ["-1", "100.01", "abc", ""])
def test_evaluation_score_range(world, member_scheme, score):
    with pytest.raises(DomainError):
        _evaluate(world, member_scheme, "cadre_a1", "village", score)


def test_evaluation_bounds_accepted(world, member_scheme):
    _evaluate(world, member_scheme, "cadre_a1", "village", "0")
    _evaluate(world, member_scheme, "cadre_a1", "village", "100", person="a1b_head")


def test_villagers_level_needs_the_tally(world, member_scheme):
    with pytest.raises(DomainError):
        _evaluate(world, member_scheme, "cadre_a1", "villagers", "90", comment="  ")


def test_evaluation_refuses_future_quarter_and_strangers(world, member_scheme):
    with pytest.raises(DomainError):
        _evaluate(world, member_scheme, "cadre_a1", "village", year=timezone.localdate().year + 1, quarter=1)
    with pytest.raises(DomainError):  # 刘桂兰 is not a party member
        _evaluate(world, member_scheme, "cadre_a1", "village", person="a1_wife")


def test_evaluation_only_for_party_schemes(world, scheme):
    with pytest.raises(DomainError):
        party.evaluation_save(
            actor=world.users["cadre_a1"],
            scheme=scheme,
            subject_key=f"h:{world.households['a1'].pk}",
            year=timezone.localdate().year,
            quarter=1,
            level="village",
            score=80,
        )


def test_branch_scheme_evaluated_by_township(world, branch, branch_scheme):
    year, quarter = this_quarter()
    party.evaluation_save(
        actor=world.users["township_a"],
        scheme=branch_scheme,
        subject_key=f"b:{branch.pk}",
        year=year,
        quarter=quarter,
        level="township",
        score=88,
    )
    row = party.quarter_table(branch_scheme, year, quarter)[0]
    assert row.label == "安家村党支部" and row.combined == D("88.00")


def test_combined_is_the_average_of_present_levels(world, member_scheme):
    assert party.combined([]) is None
    assert party.combined([D("80"), D("90"), D("85")]) == D("85.00")
    assert party.combined([D("80"), D("85"), D("91")]) == D("85.33")
    assert party.combined([D("80"), D("85"), D("86")]) == D("83.67")
    _evaluate(world, member_scheme, "county_admin", "county", "90")
    _evaluate(world, member_scheme, "cadre_a1", "village", "81")
    row = next(r for r in party.quarter_table(member_scheme, *this_quarter()) if r.key == key_of(world, "a1_head"))
    assert row.combined == D("85.50")
    assert [e.score if e else None for _label, e in row.evaluation_list] == [90, None, 81, None]


# -- yearly total -------------------------------------------------------------------------------------------------


def test_yearly_total_is_the_sum_of_quarters(world, member_scheme):
    last = timezone.localdate().year - 1
    RuleBook.objects.filter(scheme=member_scheme).update(effective_from=date(last, 1, 1))
    head, other = world.people["a1_head"], world.people["a1b_head"]
    award(world, member_scheme, head, "10", date(last, 2, 1))
    award(world, member_scheme, head, "20", date(last, 8, 1))
    award(world, member_scheme, other, "5", date(last, 11, 30))
    award(world, member_scheme, other, "-100", date(last, 5, 5), veto=True)
    award(world, member_scheme, head, "7", date(last + 1, 1, 2))  # next year: not counted
    Evaluation.objects.create(
        scheme=member_scheme,
        subject_key=f"p:{head.pk}",
        subject_label="王建国",
        year=last,
        quarter=1,
        level="county",
        score=90,
        evaluated_by=world.users["county_admin"],
    )
    Evaluation.objects.create(
        scheme=member_scheme,
        subject_key=f"p:{head.pk}",
        subject_label="王建国",
        year=last,
        quarter=2,
        level="village",
        score=81,
        evaluated_by=world.users["cadre_a1"],
    )
    rows = {r.key: r for r in party.year_table(member_scheme, last)}
    h, o = rows[f"p:{head.pk}"], rows[f"p:{other.pk}"]
    assert [c.score for c in h.quarters] == [D("70"), D("60"), D("80"), D("60")]
    assert h.total == D("270") and h.rank == 1 and not h.vetoed
    assert [c.warning for c in h.quarters] == ["yellow", "red", "blue", "red"]
    assert h.evaluation == D("85.50")  # average of the quarters' combined values (90 and 81)
    assert o.total == D("145") and o.rank == 2 and o.vetoed and o.red_quarters == 3
    # a corrected veto no longer vetoes; the correction counts on the day it is decided (this year), so last
    # year's quarters keep their scores
    veto = LedgerEntry.objects.get(subject_key=f"p:{other.pk}", score_delta=-100)
    reversal = services.entry_reverse(actor=world.users["reviewer_a1"], entry=veto, reason="查无实据")
    assert reversal.occurred_on == timezone.localdate() and reversal.score_delta == D("100")
    o = next(r for r in party.year_table(member_scheme, last) if r.key == f"p:{other.pk}")
    assert not o.vetoed and o.total == D("145")


def test_running_year_counts_begun_quarters_only():
    assert party.counted_quarters(2026, date(2026, 5, 1)) == [1, 2]
    assert party.counted_quarters(2026, date(2026, 1, 1)) == [1]
    assert party.counted_quarters(2025, date(2026, 5, 1)) == [1, 2, 3, 4]
    assert party.counted_quarters(2027, date(2026, 5, 1)) == []


def test_year_table_of_running_year(world, member_scheme):
    today = timezone.localdate()
    rows = party.year_table(member_scheme, today.year, today)
    assert len(rows) == 2
    assert all(len(r.quarters) == calc.quarter_of(today) for r in rows)
    assert rows[0].total == D("60") * calc.quarter_of(today)


# -- pages and API -------------------------------------------------------------------------------------------------


def test_quarter_page_by_role(world, member_scheme, login):
    _evaluate(world, member_scheme, "cadre_a1", "village", "77.5")
    url = f"/points/party/{member_scheme.pk}/"
    for user in ("cadre_a1", "township_a", "county_official", "reviewer_a1"):
        response = login(world.users[user]).get(url)
        assert response.status_code == 200, user
        assert "王建国" in response.content.decode() and "77.5" in response.content.decode()
    assert login(world.users["villager_a1"]).get(url).status_code == 403
    assert login(world.users["cadre_b1"]).get(url).status_code == 404
    assert login(world.users["cadre_a1"]).get("/points/party/999999/").status_code == 404


def test_home_page(world, member_scheme, login):
    response = login(world.users["cadre_a1"]).get("/points/party/")
    assert response.status_code == 200 and "党员积分" in response.content.decode()
    assert login(world.users["villager_a1"]).get("/points/party/").status_code == 403


def test_evaluation_page(world, member_scheme, login):
    year, quarter = this_quarter()
    url = f"/points/party/{member_scheme.pk}/evaluate/"
    client = login(world.users["township_a"])
    response = client.get(url)
    assert response.status_code == 200
    assert [level for level, _label in response.context["my_levels"]] == ["township"]
    assert client.get(url + "?level=county").status_code == 403
    head, other = key_of(world, "a1_head"), key_of(world, "a1b_head")
    response = client.post(url, {"year": year, "quarter": quarter, "level": "township", f"score_{head}": "150"})
    assert response.status_code == 200 and response.context["errors"]
    assert 'value="150"' in response.content.decode()  # what was typed stays
    response = client.post(
        url, {"year": year, "quarter": quarter, "level": "township", f"score_{head}": "91", f"score_{other}": ""}
    )
    assert response.status_code == 302
    assert Evaluation.objects.get().score == 91
    assert login(world.users["reviewer_a1"]).get(url).status_code == 403
    assert login(world.users["cadre_b1"]).get(url).status_code == 404
    cadre = login(world.users["cadre_a1"])
    response = cadre.post(url, {"year": year, "quarter": quarter, "level": "county", f"score_{other}": "80"})
    assert response.status_code == 403


def test_year_pages(world, member_scheme, login):
    client = login(world.users["cadre_a1"])
    url = f"/points/party/{member_scheme.pk}/year/"
    response = client.get(url)
    assert response.status_code == 200 and "王建国" in response.content.decode()
    response = client.get(url + "?print=1")
    assert response.status_code == 200
    assert "mainnav" not in response.content.decode() and "@page" in response.content.decode()
    assert login(world.users["villager_a1"]).get(url).status_code == 403


def test_lines_page(world, member_scheme, login):
    url = f"/points/party/{member_scheme.pk}/lines/"
    client = login(world.users["cadre_a1"])
    response = client.post(url, {"red": "80", "yellow": "70", "blue": "90"})
    assert response.status_code == 200 and 'value="80"' in response.content.decode()
    assert client.post(url, {"red": "60", "yellow": "70", "blue": "90"}).status_code == 302
    member_scheme.refresh_from_db()
    assert member_scheme.warning_lines == {"red": 60, "yellow": 70, "blue": 90}
    assert login(world.users["township_a"]).get(url).status_code == 403
    assert login(world.users["cadre_b1"]).get(url).status_code == 404


def test_create_page(world, branch, login):
    client = login(world.users["cadre_a1"])
    assert client.get("/points/party/new/").status_code == 200
    response = client.post(
        "/points/party/new/",
        {
            "village": world.village_a1.pk,
            "kind": "party_branch",
            "name": "",
            "base_score": "60",
            "red": "70",
            "yellow": "80",
            "blue": "90",
            "effective_from": f"{timezone.localdate().year}-01-01",
            "decision_ref": "",
        },
    )
    assert response.status_code == 302
    assert Scheme.objects.get().name == "党支部积分"
    response = client.post(
        "/points/party/new/",
        {
            "village": world.village_a1.pk,
            "kind": "party_member",
            "base_score": "60",
            "red": "",
            "yellow": "",
            "blue": "",
            "effective_from": f"{timezone.localdate().year}-01-01",
        },
    )
    assert response.status_code == 302
    assert Scheme.objects.get(kind="party_member").warning_lines == {"red": 65, "yellow": 75, "blue": 85}
    data = {"village": world.village_a1.pk, "kind": "party_member", "name": "党员积分2", "base_score": "60"}
    response = client.post("/points/party/new/", {**data, "red": "50", "effective_from": "2026-01-01"})
    assert response.status_code == 200 and response.context["form"].errors.get("yellow")
    assert login(world.users["township_a"]).get("/points/party/new/").status_code == 403


def test_api(world, member_scheme, login):
    client = login(world.users["township_a"])
    year, quarter = this_quarter()
    response = client.get(f"/api/points/party/schemes/{member_scheme.pk}/quarter")
    assert response.status_code == 200
    body = response.json()
    assert body["quarter"] == quarter and {r["warning"] for r in body["rows"]} == {"red"}
    response = client.post(
        f"/api/points/party/schemes/{member_scheme.pk}/evaluations",
        {"subject_key": key_of(world, "a1_head"), "year": year, "quarter": quarter, "level": "village", "score": 80},
        content_type="application/json",
    )
    assert response.status_code == 403
    response = client.post(
        f"/api/points/party/schemes/{member_scheme.pk}/evaluations",
        {"subject_key": key_of(world, "a1_head"), "year": year, "quarter": quarter, "level": "township", "score": 80},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    response = client.get(f"/api/points/party/schemes/{member_scheme.pk}/year")
    assert response.status_code == 200 and len(response.json()["rows"]) == 2
    assert login(world.users["cadre_b1"]).get(f"/api/points/party/schemes/{member_scheme.pk}/year").status_code == 404
