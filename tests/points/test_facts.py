"""Facts earn points without a second entry (core.facts → points.fact_claims): a meeting's sign-in and a report
closed by its rating make claims of the rule items bound to them, once, for the review group."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone, translation

from core import facts
from core.errors import DomainError
from incidents import services as incident_services
from incidents.facts import REPORT_CLOSED
from incidents.models import Rating
from meetings import services as meeting_services
from meetings.facts import ATTENDED
from meetings.models import MeetingKind, RegisterEntry
from points import fact_claims, selectors, services
from points.models import Claim, ClaimSource, ClaimStatus, EntryKind, LedgerEntry, RuleBook, RuleItem
from tests.incidents.support import build_incident_world, photo
from tests.meetings.support import build_meetings_world
from tests.points.civility import civility_scheme


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def bind(world, fact: str, conditions=None, *, effective_from=None, adopt=True, cap=None, evidence=False):
    """安家村's civility scheme with a new version (copied from the adopted one, effective ``effective_from``,
    30 days ago by default) holding item F1 (+2) bound to ``fact``."""
    cadre = world.users["cadre_a1"]
    scheme, _items = civility_scheme(world)
    first = RuleBook.objects.get(scheme=scheme)
    book = services.rulebook_create(
        actor=cadre,
        scheme=scheme,
        title="细则（第二版）",
        effective_from=effective_from or timezone.localdate() - timedelta(days=30),
        copy_from=first,
    )
    item = services.rule_item_save(
        actor=cadre,
        rulebook=book,
        category_name="参与村务",
        code="F1",
        text="参加会议",
        points=2,
        cap_count=cap,
        evidence_required=evidence,
        fact=fact,
        fact_conditions=conditions,
    )
    if adopt:
        services.rulebook_adopt(actor=cadre, rulebook=book, decision_ref="村民代表会议决议")
    return scheme, item


def sign_in(mw, meeting, *names):
    entries = RegisterEntry.objects.filter(meeting=meeting, name__in=names)
    return meeting_services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=list(entries))


@pytest.fixture
def mw(db):
    return build_meetings_world(extra_households=2)


# -- meetings: attended ----------------------------------------------------------------------------------------


def test_a_sign_in_makes_one_claim_per_bound_item_and_household(mw):
    scheme, item = bind(mw.w, ATTENDED, {"kind": [MeetingKind.VILLAGERS_ASSEMBLY]})
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    # two people of one household, signed in one after the other and then again (a resent form)
    assert sign_in(mw, meeting, "王建国") == 1
    assert sign_in(mw, meeting, "王建国", "刘桂兰") == 1
    claims = Claim.objects.filter(item=item)
    assert claims.count() == 1
    claim = claims.get()
    household = mw.w.households["a1"]
    assert (claim.household, claim.subject_key, claim.status) == (household, f"h:{household.pk}", ClaimStatus.PENDING)
    assert (claim.source, claim.fact, claim.source_ref) == (
        ClaimSource.FACT,
        ATTENDED,
        f"meetings.meeting:{meeting.pk}",
    )
    assert claim.source_url == meeting.get_absolute_url()
    assert claim.points == 2 and claim.occurred_on == timezone.localdate()
    # it waits for the monthly review like any other claim
    assert claim in selectors.pending_claims(mw.users["reviewer_a1"], scheme)
    # recording the same fact again (e.g. the clerk's form and the phone both) makes nothing more
    facts.happened(
        ATTENDED,
        source=meeting,
        actor=mw.cadre,
        village=meeting.village_id,
        occurred_on=timezone.localdate(),
        household=household,
        attrs={"kind": meeting.kind},
    )
    assert Claim.objects.filter(item=item).count() == 1


def test_the_meeting_kind_condition_and_first_in_month(mw):
    _scheme, item = bind(mw.w, ATTENDED, {"kind": [MeetingKind.REPRESENTATIVES], "first_in_month": True})
    assembly = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY, title="村民会议")
    sign_in(mw, assembly, "王建国")
    assert not Claim.objects.filter(item=item).exists()  # another kind of meeting
    one, two = mw.opened(title="代表会议一"), mw.opened(title="代表会议二")
    names = list(RegisterEntry.objects.filter(meeting=one).values_list("name", flat=True)[:1])
    sign_in(mw, one, *names)
    sign_in(mw, two, *names)
    assert Claim.objects.filter(item=item).count() == 1  # only the first of the month


def test_an_unbound_fact_makes_no_claim(mw):
    civility_scheme(mw.w)
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    assert sign_in(mw, meeting, "王建国") == 1
    assert not Claim.objects.exists()


def test_a_version_not_yet_in_force_does_not_bind(mw):
    _scheme, item = bind(mw.w, ATTENDED, effective_from=timezone.localdate() + timedelta(days=10))
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    sign_in(mw, meeting, "王建国")
    assert not Claim.objects.filter(item=item).exists()


def test_a_draft_version_does_not_bind(mw):
    _scheme, item = bind(mw.w, ATTENDED, adopt=False)
    sign_in(mw, mw.opened(MeetingKind.VILLAGERS_ASSEMBLY), "王建国")
    assert not Claim.objects.exists()


def test_a_race_on_the_same_fact_keeps_one_claim(mw):
    """Another request stored the claim between this one's look-up and its insert: the unique constraint refuses
    the second row and the first one stands (no error to the procedure)."""
    _scheme, item = bind(mw.w, ATTENDED)
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    sign_in(mw, meeting, "王建国")
    first = Claim.objects.get(item=item)
    with mock.patch.object(fact_claims, "_existing", return_value=None) as missed:
        facts.happened(
            ATTENDED,
            source=meeting,
            actor=mw.cadre,
            village=meeting.village_id,
            occurred_on=timezone.localdate(),
            household=mw.w.households["a1"],
            attrs={"kind": meeting.kind},
        )
        assert missed.called
        occurrence = facts.Occurrence(
            fact=facts.get(ATTENDED),
            source=facts.source_ref(meeting),
            actor=mw.cadre,
            village_id=meeting.village_id,
            occurred_on=timezone.localdate(),
            household=mw.w.households["a1"],
            attrs={"kind": meeting.kind},
        )
        assert (
            fact_claims.claim_for_fact(first.scheme, item, fact_claims._subject(first.scheme, occurrence), occurrence)
            == first
        )
    assert list(Claim.objects.filter(item=item)) == [first]


def test_the_sign_in_succeeds_when_the_cap_refuses_the_claim(mw):
    _scheme, item = bind(mw.w, ATTENDED, cap=1)
    one, two = (
        mw.opened(MeetingKind.VILLAGERS_ASSEMBLY, title="一"),
        mw.opened(MeetingKind.VILLAGERS_ASSEMBLY, title="二"),
    )
    sign_in(mw, one, "王建国")
    assert sign_in(mw, two, "王建国") == 1  # the sign-in is stored
    assert RegisterEntry.objects.get(meeting=two, name="王建国").attendance
    assert Claim.objects.filter(item=item).count() == 1  # the cap (1 a month) refused the second claim


def test_the_procedure_goes_on_when_points_fail(mw):
    _scheme, item = bind(mw.w, ATTENDED)
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    with mock.patch.object(fact_claims, "claim_for_fact", side_effect=RuntimeError("boom")):
        assert sign_in(mw, meeting, "王建国") == 1
    assert not Claim.objects.exists()
    assert RegisterEntry.objects.get(meeting=meeting, name="王建国").attendance


def test_a_person_scheme_scores_the_person(mw):
    from registry import services as registry_services

    cadre = mw.users["cadre_a1"]
    branch = registry_services.party_branch_create(actor=cadre, village=mw.village, name="安家村党支部")
    registry_services.party_member_add(actor=cadre, branch=branch, person=mw.w.people["a1_head"])
    scheme = services.scheme_create(
        actor=cadre, village=mw.village, name="党员积分", kind="party_member", subject_kind="person", base_score=0
    )
    book = services.rulebook_create(
        actor=cadre, scheme=scheme, title="党员细则", effective_from=timezone.localdate() - timedelta(days=5)
    )
    item = services.rule_item_save(
        actor=cadre,
        rulebook=book,
        category_name="组织生活",
        code="Z1",
        text="参加党员大会",
        points=1,
        fact=ATTENDED,
        fact_conditions={"kind": MeetingKind.PARTY_MEMBERS},
    )
    assert item.fact_conditions == {"kind": [MeetingKind.PARTY_MEMBERS]}
    services.rulebook_adopt(actor=cadre, rulebook=book, decision_ref="党员大会决议")
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    sign_in(mw, meeting, "王建国")
    assert not Claim.objects.filter(item=item).exists()
    # the same fact of a 党员大会 names the person
    person = mw.w.people["a1_head"]
    facts.happened(
        ATTENDED,
        source="meetings.meeting:999999",
        actor=cadre,
        village=mw.village,
        occurred_on=timezone.localdate(),
        person=person,
        household=person.household,
        attrs={"kind": MeetingKind.PARTY_MEMBERS},
    )
    claim = Claim.objects.get(item=item)
    assert claim.person == person and claim.subject_key == f"p:{person.pk}"


def test_party_members_points_read_the_attendance_of_the_party_members_meeting(mw):
    """双项积分: the party-member scheme (subjects: the village's party members) binds its template's item
    "按时参加支部党员大会" to the 党员大会's attendance; the clerk's sign-in makes the claim for the member."""
    from points import party
    from registry import services as registry_services

    cadre = mw.cadre
    branch = registry_services.party_branch_create(actor=cadre, village=mw.village, name="安家村党支部")
    members = [mw.w.people[key] for key in ("a1_head", "x0_head", "x1_wife")]
    for person in members:
        registry_services.party_member_add(actor=cadre, branch=branch, person=person)
    scheme = party.party_scheme_create(
        actor=cadre, village=mw.village, kind="party_member", effective_from=timezone.localdate() - timedelta(days=5)
    )
    assert scheme.subject_kind == "person"
    book = RuleBook.objects.get(scheme=scheme)
    template_item = book.items.select_related("category").get(text="按时参加支部党员大会")
    item = services.rule_item_save(
        actor=cadre,
        rulebook=book,
        item=template_item,
        category_name=template_item.category.name,
        code=template_item.code,
        text=template_item.text,
        points=template_item.points,
        cap_count=template_item.cap_count,
        recorder_roles=template_item.recorder_roles,
        fact=ATTENDED,
        fact_conditions={"kind": [MeetingKind.PARTY_MEMBERS], "first_in_month": True},
    )
    services.rulebook_adopt(actor=cadre, rulebook=book, decision_ref="支部党员大会 决议第1号")
    # a 村民代表会议 (王建国 is a representative) is not the 党员大会
    sign_in(mw, mw.opened(MeetingKind.REPRESENTATIVES, title="代表会议"), "王建国")
    assert not Claim.objects.filter(item=item).exists()
    meeting = mw.opened(MeetingKind.PARTY_MEMBERS, title="支部党员大会")
    assert meeting.register.count() == 3
    assert sign_in(mw, meeting, "王建国", "户主0") == 2
    claims = Claim.objects.filter(item=item).order_by("subject_key")
    assert {c.subject_key for c in claims} == {f"p:{members[0].pk}", f"p:{members[1].pk}"}
    assert all(c.person in members[:2] and c.source == ClaimSource.FACT for c in claims)
    assert all(c.source_url == meeting.get_absolute_url() and c.points == item.points for c in claims)
    assert {c.pk for c in claims} <= {c.pk for c in selectors.pending_claims(mw.users["reviewer_a1"], scheme)}
    # someone who sat in (列席) and is no party member earns nothing in the party members' scheme
    facts.happened(
        ATTENDED,
        source=meeting,
        actor=cadre,
        village=mw.village,
        occurred_on=timezone.localdate(),
        person=mw.w.people["x0_wife"],
        attrs={"kind": MeetingKind.PARTY_MEMBERS},
    )
    assert Claim.objects.filter(item=item).count() == 2


def test_a_party_branch_scheme_cannot_bind_a_persons_fact(mw):
    from points import party

    scheme = party.party_scheme_create(actor=mw.cadre, village=mw.village, kind="party_branch")
    book = RuleBook.objects.get(scheme=scheme)
    with translation.override("zh-hans"), pytest.raises(DomainError) as exc:
        services.rule_item_save(
            actor=mw.cadre,
            rulebook=book,
            category_name="基本制度坚持",
            code="F1",
            text="按时召开支部党员大会",
            points=1,
            fact=ATTENDED,
            fact_conditions={"kind": [MeetingKind.PARTY_MEMBERS]},
        )
    assert exc.value.message_dict["fact"][0] == zh("This fact does not name who this scheme scores.")
    assert not RuleItem.objects.filter(rulebook=book, fact=ATTENDED).exists()


# -- undo ---------------------------------------------------------------------------------------------------------


def test_undo_withdraws_a_pending_claim_and_reverses_an_approved_entry(mw):
    scheme, item = bind(mw.w, ATTENDED)
    one, two = (
        mw.opened(MeetingKind.VILLAGERS_ASSEMBLY, title="一"),
        mw.opened(MeetingKind.VILLAGERS_ASSEMBLY, title="二"),
    )
    sign_in(mw, one, "王建国")
    sign_in(mw, two, "王建国")
    pending, approved = (
        Claim.objects.get(source_ref=f"meetings.meeting:{one.pk}"),
        Claim.objects.get(source_ref=f"meetings.meeting:{two.pk}"),
    )
    # the clerk (a cadre) recorded it, but the platform made the claim: the cadre may review it
    services.claims_review(actor=mw.cadre, claim_ids=[approved.pk], approve=True)
    entry = LedgerEntry.objects.get(claim=approved)
    later = timezone.localdate()
    facts.undone(ATTENDED, one, actor=mw.cadre)
    facts.undone(ATTENDED, two, actor=mw.cadre, on=later)
    pending.refresh_from_db()
    assert pending.status == ClaimStatus.WITHDRAWN
    reversal = LedgerEntry.objects.get(reverses=entry)
    assert reversal.kind == EntryKind.REVERSAL and reversal.score_delta == -entry.score_delta
    assert reversal.occurred_on == later
    # undone twice: nothing more
    facts.undone(ATTENDED, two, actor=mw.cadre)
    assert LedgerEntry.objects.filter(reverses=entry).count() == 1
    assert LedgerEntry.objects.filter(scheme=scheme).count() == 2


# -- incidents: a report verified and closed -------------------------------------------------------------------------


def test_a_report_closed_by_its_rating_earns_the_reporters_household(db):
    iw = build_incident_world()
    scheme, item = bind(iw.w, REPORT_CLOSED)
    villager, cadre = iw.users["villager_a1"], iw.users["cadre_a1"]
    incident, _created = incident_services.incident_report(
        actor=villager, matter=iw.litter, description="河边堆了垃圾", grid=iw.w.grid_a1
    )
    incident_services.incident_step(actor=cadre, incident=incident, step="accept")
    incident_services.incident_step(actor=cadre, incident=incident, step="resolve", note="已处理", photos=[photo()])
    assert not Claim.objects.exists()  # resolved is not closed
    incident_services.incident_rate(actor=villager, incident=incident, rating=Rating.UNSATISFIED, note="没清完")
    assert not Claim.objects.exists()  # reopened
    incident_services.incident_step(actor=cadre, incident=incident, step="resolve", note="清完了", photos=[photo()])
    incident_services.incident_rate(actor=villager, incident=incident, rating=Rating.SATISFIED)
    assert incident.state == "closed"
    claim = Claim.objects.get(item=item)
    assert claim.household == iw.w.households["a1"] and claim.source_ref == f"incidents.incident:{incident.pk}"
    assert claim.source_url == incident.get_absolute_url()


def test_a_case_reported_by_a_grid_worker_earns_no_household(db):
    iw = build_incident_world()
    _scheme, item = bind(iw.w, REPORT_CLOSED)
    cadre, grid_worker = iw.users["cadre_a1"], iw.users["grid_a1"]
    incident, _created = incident_services.incident_report(
        actor=grid_worker, matter=iw.litter, description="河边堆了垃圾", grid=iw.w.grid_a1
    )
    incident_services.incident_step(actor=cadre, incident=incident, step="accept")
    incident_services.incident_step(actor=cadre, incident=incident, step="resolve", note="已处理", photos=[photo()])
    incident_services.incident_rate(actor=grid_worker, incident=incident, rating=Rating.SATISFIED)
    assert incident.state == "closed"
    assert not Claim.objects.exists()


# -- the rule item's binding ------------------------------------------------------------------------------------------


def _draft(world):
    scheme, _items = civility_scheme(world)
    first = RuleBook.objects.get(scheme=scheme)
    return services.rulebook_create(
        actor=world.users["cadre_a1"],
        scheme=scheme,
        title="草稿",
        effective_from=timezone.localdate(),
        copy_from=first,
    )


@pytest.mark.parametrize(
    ("fact", "conditions", "field", "msgid"),
    [
        ("meetings.danced", None, "fact", "There is no fact “%(fact)s” on the platform."),
        (ATTENDED, {"colour": ["red"]}, "fact_conditions", "The fact “%(fact)s” has no condition “%(key)s”."),
        (
            ATTENDED,
            {"kind": ["tea_party"]},
            "fact_conditions",
            "Choose the values of “%(condition)s” among those offered.",
        ),
        (ATTENDED, {"first_in_month": "yes"}, "fact_conditions", "“Only the first time in a month” is yes or no."),
        ("", {"kind": ["group"]}, "fact_conditions", "Conditions need a fact; choose the fact first."),
    ],
)
def test_a_bad_binding_is_refused_in_chinese_and_changes_nothing(world, fact, conditions, field, msgid):
    book = _draft(world)
    before = list(RuleItem.objects.filter(rulebook=book).values_list("pk", "code", "fact"))
    with translation.override("zh-hans"), pytest.raises(DomainError) as exc:
        services.rule_item_save(
            actor=world.users["cadre_a1"],
            rulebook=book,
            category_name="参与村务",
            code="F9",
            text="参加会议",
            points=1,
            fact=fact,
            fact_conditions=conditions,
        )
    message = exc.value.message_dict[field][0]
    assert message.startswith(zh(msgid).split("%")[0])  # the catalogue's Chinese (facts.tsv) once merged
    assert list(RuleItem.objects.filter(rulebook=book).values_list("pk", "code", "fact")) == before


def test_a_bad_binding_of_an_existing_item_changes_nothing(world):
    book = _draft(world)
    cadre = world.users["cadre_a1"]
    item = services.rule_item_save(
        actor=cadre, rulebook=book, category_name="参与村务", code="F9", text="参加会议", points=1, fact=ATTENDED
    )
    with pytest.raises(DomainError):
        services.rule_item_save(
            actor=cadre,
            rulebook=book,
            category_name="参与村务",
            code="F9",
            text="参加会议",
            points=1,
            item=item,
            fact="no.such_fact",
        )
    item.refresh_from_db()
    assert item.fact == ATTENDED


def test_a_copied_version_keeps_the_binding(world):
    book = _draft(world)
    cadre = world.users["cadre_a1"]
    services.rule_item_save(
        actor=cadre,
        rulebook=book,
        category_name="参与村务",
        code="F9",
        text="参加会议",
        points=1,
        fact=ATTENDED,
        fact_conditions={"kind": ["group"], "first_in_month": True},
    )
    services.rulebook_adopt(actor=cadre, rulebook=book, decision_ref="决议")
    copy = services.rulebook_create(
        actor=cadre, scheme=book.scheme, title="三", effective_from=timezone.localdate(), copy_from=book
    )
    copied = RuleItem.objects.get(rulebook=copy, code="F9")
    assert (copied.fact, copied.fact_conditions) == (ATTENDED, {"kind": ["group"], "first_in_month": True})


# -- pages and API ----------------------------------------------------------------------------------------------------


def test_review_queue_and_household_page_link_to_the_meeting(mw, client):
    scheme, item = bind(mw.w, ATTENDED)
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    sign_in(mw, meeting, "王建国")
    claim = Claim.objects.get(item=item)
    link = f'href="{meeting.get_absolute_url()}"'
    client.force_login(mw.users["reviewer_a1"])
    assert link in client.get(f"/points/schemes/{scheme.pk}/review/").content.decode()
    client.force_login(mw.users["villager_a1"])
    assert link in client.get("/points/me/").content.decode()  # waiting for review
    services.claims_review(actor=mw.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    page = client.get("/points/me/").content.decode()
    assert link in page and "参加会议" in page  # the approved entry, with where it came from


def test_the_editor_binds_an_item_to_a_fact(world, client):
    book = _draft(world)
    client.force_login(world.users["cadre_a1"])
    page = client.get(f"/points/rulebooks/{book.pk}/").content.decode()
    assert 'name="item-fact"' in page and 'name="item-fact_kind"' in page and 'name="item-first_in_month"' in page
    response = client.post(
        f"/points/rulebooks/{book.pk}/",
        {
            "item-category_name": "参与村务",
            "item-code": "F7",
            "item-text": "参加村民会议",
            "item-points": "1",
            "item-fact": ATTENDED,
            "item-fact_kind": [MeetingKind.VILLAGERS_ASSEMBLY, MeetingKind.GROUP],
            "item-first_in_month": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = RuleItem.objects.get(rulebook=book, code="F7")
    assert item.fact == ATTENDED
    assert item.fact_conditions == {"kind": ["group", "villagers_assembly"], "first_in_month": True}
    assert "村民会议" in client.get(f"/points/rulebooks/{book.pk}/").content.decode()
    # an unknown fact is not among the choices: the form refuses it, nothing changes
    response = client.post(
        f"/points/rulebooks/{book.pk}/",
        {
            "item-category_name": "参与村务",
            "item-code": "F7",
            "item-text": "x",
            "item-points": "1",
            "item-fact": "no.pe",
        },
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.text == "参加村民会议"


def test_the_api_binds_an_item_and_refuses_an_unknown_fact(world, client, api_token):
    book = _draft(world)
    cadre = api_token(world.users["cadre_a1"])
    url = f"/api/points/rulebooks/{book.pk}/items"
    item = {"category_name": "参与村务", "code": "F8", "text": "参加会议", "points": "1"}
    bound = dict(item, fact=ATTENDED, fact_conditions={"kind": ["party_members"]})
    response = client.post(url, bound, content_type="application/json", **cadre)
    assert response.status_code == 200, response.content
    assert response.json()["fact"] == ATTENDED and response.json()["fact_conditions"] == {"kind": ["party_members"]}
    with translation.override("zh-hans"):
        refused = client.post(url, dict(item, code="F9", fact="no.pe"), content_type="application/json", **cadre)
    assert refused.status_code == 422
    assert not RuleItem.objects.filter(rulebook=book, code="F9").exists()


# -- the demo --------------------------------------------------------------------------------------------------------


def test_the_demo_binds_facts_and_its_review_queue_shows_claims_from_them(db):
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import User
    from points.models import Scheme
    from points.services.rulebooks import rulebook_in_force

    call_command("seed_demo", "--households", "60", stdout=StringIO())
    scheme = Scheme.objects.get(name="文明户积分")
    book = rulebook_in_force(scheme, timezone.localdate())
    meeting_item = book.items.get(fact=ATTENDED)
    assert meeting_item.text == "参加村民会议、院坝说事会"
    assert meeting_item.fact_conditions == {
        "first_in_month": True,
        "kind": sorted([MeetingKind.COURTYARD, MeetingKind.REPRESENTATIVES, MeetingKind.VILLAGERS_ASSEMBLY]),
    }
    assert book.items.filter(fact=REPORT_CLOSED).count() == 1
    # the demo's meetings signed households in after the binding: their claims wait for the reviewer
    pending = selectors.pending_claims(User.objects.get(username="reviewer"), scheme)
    from_facts = [c for c in pending if c.fact == ATTENDED]
    assert from_facts and all(c.source == ClaimSource.FACT and c.source_url for c in from_facts)
    # no household made two claims of the item in a month (first_in_month), and nobody typed them
    assert not Claim.objects.filter(item=meeting_item, source=ClaimSource.RECORD).exists()
    months = [(c.subject_key, c.occurred_on.year, c.occurred_on.month) for c in Claim.objects.filter(item=meeting_item)]
    assert len(months) == len(set(months))
    # seeding again changes nothing
    count = Claim.objects.count()
    call_command("seed_demo", "--households", "60", stdout=StringIO())
    assert Claim.objects.count() == count
