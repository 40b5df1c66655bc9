"""The 红白理事会's rules at their edges: limits as versions, a declaration before the event, the council's steps,
the assessment against the limits the event was declared under, and the breach sent to the points review once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import DomainError, NotFound
from core.models import AuditEvent
from customs import services
from customs.models import Event, LimitSet
from points.models import Claim

pytestmark = pytest.mark.usefixtures("council")


def declare(world, *, by="villager_a1", days=10, kind="wedding", **plan):
    return services.event_declare(
        actor=world.users[by],
        household=world.households["a1"],
        kind=kind,
        host="王建国",
        event_date=timezone.localdate() + timedelta(days=days),
        plan=plan or {"tables": 18, "cars": 4},
        budget="60000",
    )


def step(world, event, name, by="grid_a1", attachments=(), **data):
    event.refresh_from_db()
    return services.event_step(actor=world.users[by], case=event, step=name, data=data, attachments=attachments)


def photo(name="现场.png"):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


# -- the limits -------------------------------------------------------------------------------------------------


def test_limits_are_versions_and_a_new_one_never_takes_effect_before_the_current(world, limits):
    cadre = world.users["cadre_a1"]
    assert limits.version == 1 and limits.values["wedding"] == {
        "tables": "20",
        "gift": "200",
        "performers": "0",
        "cars": "6",
        "bride_price": "30000",
    }
    assert "bearers" not in limits.values["wedding"]  # a measure of another kind is not kept
    with pytest.raises(DomainError) as exc:
        services.limits_set(
            actor=cadre, village=world.village_a1, values={"wedding": {"tables": 15}}, effective_from=date(2025, 12, 31)
        )
    assert "effective_from" in exc.value.message_dict
    second = services.limits_set(
        actor=cadre, village=world.village_a1, values={"wedding": {"tables": 15}}, effective_from=date(2026, 6, 1)
    )
    assert second.version == 2
    assert services.limits_in_force(world.village_a1.pk, date(2026, 5, 31)) == limits
    assert services.limits_in_force(world.village_a1.pk, date(2026, 6, 1)) == second


@pytest.mark.parametrize(
    "values",
    [
        {"wedding": {"tables": -1}},
        {"wedding": {"gift": "abc"}},
        {"wedding": {"tables": 1.5}},
        {},
        {"funeral": {"bearer_pay": "1e12"}},
    ],
)
def test_bad_limits_are_refused_and_nothing_is_written(world, values):
    with pytest.raises(DomainError):
        services.limits_set(actor=world.users["cadre_a1"], village=world.village_a1, values=values)
    assert not LimitSet.objects.exists()


def test_only_the_village_cadre_sets_limits(world):
    for who in ("cadre_b1", "villager_a1", "grid_a1", "township_a"):
        with pytest.raises(NotFound):
            services.limits_set(actor=world.users[who], village=world.village_a1, values={"wedding": {"tables": 5}})
    assert not LimitSet.objects.exists()


def test_limits_cannot_be_changed_in_place(world, limits):
    from core.models import AppendOnlyError

    limits.basis = "改了"
    with pytest.raises(AppendOnlyError):
        limits.save()


# -- declaring --------------------------------------------------------------------------------------------------


def test_a_declaration_after_the_event_date_is_refused(world, limits):
    with pytest.raises(DomainError) as exc:
        declare(world, days=-1)
    assert "event_date" in exc.value.message_dict
    with pytest.raises(DomainError):
        declare(world, days=400)
    assert not Event.objects.exists()


def test_a_declaration_on_the_day_itself_is_taken_but_late_for_a_wedding(world, limits):
    event = declare(world, days=0)
    assert event.state == "declared" and event.declared_late and event.limits == limits
    funeral = declare(world, days=0, kind="funeral", tables=10, bearers=8)
    assert not funeral.declared_late  # funerals: 0 days of notice
    on_time = declare(world, days=7, kind="feast", tables=5)
    assert not on_time.declared_late


def test_the_plan_keeps_only_the_figures_of_its_kind(world, limits):
    event = declare(world, kind="funeral", tables=12, cars=9, bearers=8)
    assert event.plan == {"tables": "12", "bearers": "8"}


def test_the_same_event_is_declared_once(world, limits):
    declare(world)
    with pytest.raises(DomainError):
        declare(world)
    assert Event.objects.count() == 1


def test_who_may_declare_for_a_household(world, limits):
    on_behalf = declare(world, by="grid_a1")
    assert on_behalf.on_behalf
    own = declare(world, days=20)
    assert not own.on_behalf and own.declared_by == world.users["villager_a1"]
    for who in ("cadre_b1", "reviewer_a1"):
        with pytest.raises(NotFound):
            declare(world, by=who, days=30)
    with pytest.raises(NotFound):
        services.event_declare(
            actor=world.users["villager_a1"],
            household=world.households["a1b"],
            kind="feast",
            host="李秀英",
            event_date=timezone.localdate() + timedelta(days=9),
        )
    assert Event.objects.count() == 2


def test_without_limits_a_declaration_is_taken_and_says_so(world):
    event = declare(world)
    assert event.limits is None and not event.declared_late


# -- the council's steps ----------------------------------------------------------------------------------------


def test_the_council_answers_sees_and_assesses_within_the_limits(world, limits):
    event = declare(world, days=0, tables=18, cars=4)
    assert AuditEvent.objects.filter(action="customs.event.declare").count() == 1
    with pytest.raises((DomainError, NotFound)):
        step(world, event, "acknowledge", by="villager_a1")
    step(world, event, "acknowledge")
    step(world, event, "supervise", seen_tables=18, seen_cars=4, seen="九大碗院坝，18桌，秩序良好")
    step(world, event, "assess", actual_tables=18, actual_cars=4, actual_gift=100, actual_cost="42000", confirm=True)
    event.refresh_from_db()
    assert event.state == "assessed" and event.result == "within" and event.breaches == []
    assert event.saved == Decimal("18000") and event.observed == {"tables": "18", "cars": "4"}


def test_an_assessment_above_the_limits_lists_each_breach(world, limits):
    event = declare(world, days=0, kind="funeral", tables=15)
    step(world, event, "advise", advice="建议控制在20桌以内，不请乐队")
    event.refresh_from_db()
    assert event.advice.startswith("建议")
    step(
        world,
        event,
        "assess",
        by="cadre_a1",
        actual_tables=26,
        actual_bearers=10,
        actual_bearer_pay=150,
        actual_performers=1,
        confirm=True,
    )
    event.refresh_from_db()
    assert event.result == "breach"
    assert {b["key"] for b in event.breaches} == {"tables", "bearer_pay"}  # 10 bearers: at the limit, not above
    assert event.saved is None  # no cost given


def test_seeing_or_assessing_before_the_day_is_refused(world, limits):
    event = declare(world, days=3)
    step(world, event, "acknowledge")
    with pytest.raises(DomainError):
        step(world, event, "supervise", seen_tables=10, seen="提前去看")
    with pytest.raises(DomainError):
        step(world, event, "assess", actual_tables=10, confirm=True)
    event.refresh_from_db()
    assert event.state == "registered"


def test_an_assessment_needs_a_figure(world, limits):
    event = declare(world, days=0)
    step(world, event, "acknowledge")
    with pytest.raises(DomainError):
        step(world, event, "assess", actual_cost="1000", confirm=True)
    event.refresh_from_db()
    assert event.state == "registered" and event.result == ""


def test_the_assessment_keeps_the_limits_the_event_was_declared_under(world, limits):
    event = declare(world, days=0, tables=18)
    services.limits_set(
        actor=world.users["cadre_a1"],
        village=world.village_a1,
        values={"wedding": {"tables": 10}},
        effective_from=timezone.localdate(),
    )
    step(world, event, "acknowledge")
    step(world, event, "assess", actual_tables=18, confirm=True)
    event.refresh_from_db()
    assert event.result == "within" and event.limits == limits


def test_a_council_member_of_another_village_cannot_act(world, limits):
    event = declare(world, days=0)
    with pytest.raises((DomainError, NotFound)):
        step(world, event, "acknowledge", by="cadre_b1")
    event.refresh_from_db()
    assert event.state == "declared"


def test_the_household_withdraws_before_the_event(world, limits):
    event = declare(world)
    step(world, event, "withdraw", by="villager_a1", confirm=True)
    event.refresh_from_db()
    assert event.state == "withdrawn"
    declare(world)  # declared again after withdrawing: allowed


# -- the points system decides a breach ---------------------------------------------------------------------------


@pytest.fixture
def scheme(world):
    from tests.browser.test_points import make_scheme

    return make_scheme(world)


def _breached(world):
    event = declare(world, days=0, tables=30)
    step(world, event, "acknowledge")
    step(world, event, "assess", actual_tables=30, confirm=True)
    event.refresh_from_db()
    return event


def test_a_breach_goes_to_the_points_review_once(world, limits, scheme):
    from customs.points_link import negative_items

    event = _breached(world)
    items = negative_items(event)
    assert items and all(i.points < 0 for i in items)
    needs = next(i for i in items if i.evidence_required)
    with pytest.raises(DomainError) as exc:
        step(world, event, "refer", by="cadre_a1", item=needs.pk, confirm=True)
    assert "evidence" in exc.value.message_dict  # the points system's own rule
    step(world, event, "refer", by="cadre_a1", item=needs.pk, confirm=True, attachments=[photo()])
    event.refresh_from_db()
    claim = Claim.objects.get()
    assert event.claim == claim and claim.status == "pending" and event.number in claim.note
    assert claim.evidence.read()[:4] == b"\x89PNG"
    with pytest.raises(DomainError):
        step(world, event, "refer", by="cadre_a1", item=items[0].pk, confirm=True)
    assert Claim.objects.count() == 1


def test_only_a_negative_item_in_force_may_be_named(world, limits, scheme):
    from points.models import RuleItem

    event = _breached(world)
    positive = RuleItem.objects.filter(rulebook__scheme=scheme, points__gt=0).first()
    with pytest.raises(DomainError):
        step(world, event, "refer", by="cadre_a1", item=positive.pk, confirm=True)
    event.refresh_from_db()
    assert event.claim is None and not Claim.objects.exists()


def test_an_event_within_the_limits_is_not_sent(world, limits, scheme):
    from customs.points_link import negative_items

    event = declare(world, days=0, tables=10)
    step(world, event, "acknowledge")
    step(world, event, "assess", actual_tables=10, confirm=True)
    event.refresh_from_db()
    with pytest.raises(DomainError):
        step(world, event, "refer", by="cadre_a1", item=negative_items(event)[0].pk, confirm=True)
    assert not Claim.objects.exists()
