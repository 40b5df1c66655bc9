"""Test data for the small-power list: the world of tests/factories.py with the default list installed, a
villager of 新桥村 (b1), a second cadre, and helpers that take a matter through its steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from casework.models import CaseEvent
from core.models import AuditEvent
from core.roles import Role
from powers import services
from powers.models import Objection, Power, PowerCase
from registry.models import Person
from tests.factories import World, build_world, make_user
from tests.transparency.support import image, pdf

__all__ = ["image", "pdf", "PowersWorld", "build_powers_world", "at", "snapshot"]


def at(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def snapshot(case: PowerCase) -> tuple:
    """Everything a refused step must leave as it was."""
    case = PowerCase.objects.get(pk=case.pk)
    return (
        case.state,
        case.version,
        case.deadline_at,
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        Objection.objects.count(),
        case.notice_id,
        case.outcome,
    )


MEETING = {
    "body": "council",
    "meeting_ref": "安家村党群议事会 2026 年第 11 次会议",
    "members": 21,
    "present": 18,
    "votes_for": 15,
}


@dataclass
class PowersWorld:
    w: World

    @property
    def users(self):
        return self.w.users

    def power(self, code: str, county=None) -> Power:
        return Power.objects.get(county=county or self.w.county, code=code)

    def dibao(self, by="villager_a1", household="a1", now=None, **over) -> PowerCase:
        data = {
            "reason": "丈夫因病丧失劳动能力，家庭无稳定收入。",
            "household_size": 3,
            "monthly_income": "820.00",
            "attachments": [pdf("收入申报表.pdf"), image("户口簿.png")],
        }
        data.update(over)
        return services.case_apply(
            actor=self.users[by], power=self.power("dibao"), household=self.w.households[household], now=now, **data
        )

    def step(self, case, step, by="cadre_a1", now=None, attachments=(), **data):
        services.case_step(actor=self.users[by], case=case, step=step, data=data, attachments=attachments, now=now)
        case.refresh_from_db()
        return case

    def dibao_posted(self, start: date, **over) -> PowerCase:
        case = self.dibao(now=at(start, 9), **over)
        self.step(
            case, "survey", visited_on=start.isoformat(), findings="入户核实：3 口人，无劳动力。", now=at(start, 10)
        )
        self.step(case, "deliberate", meeting_date=start.isoformat(), now=at(start, 15), **MEETING)
        self.step(case, "publicize", publicity_until=(start + timedelta(days=7)).isoformat(), now=at(start, 16))
        return case


def build_powers_world() -> PowersWorld:
    w = build_world()
    w.users["villager_b1"] = make_user("villager_b1", Role.VILLAGER, w.village_b1, household=w.households["b1"])
    w.users["villager_a1b"] = make_user("villager_a1b", Role.VILLAGER, w.village_a1, household=w.households["a1b"])
    w.users["cadre_a2"] = make_user("cadre_a2", Role.VILLAGE_CADRE, w.village_a2)
    w.users["township_b"] = make_user("township_b", Role.TOWNSHIP_OFFICIAL, w.township_b)
    w.users["supervisor_a1"] = make_user("supervisor_a1", Role.VILLAGE_SUPERVISOR, w.village_a1)
    Person.objects.filter(pk=w.people["a1_head"].pk).update(user=w.users["villager_a1"])
    Person.objects.filter(pk=w.people["b1_head"].pk).update(user=w.users["villager_b1"])
    services.power_install_defaults(actor=w.users["county_admin"], county=w.county)
    return PowersWorld(w)
