"""Test data for meetings: the world of tests/factories.py plus residents, rosters and helpers that hold meetings
at chosen moments (the notice rule needs the notice issued days before the start)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone, translation

from core.roles import Role
from meetings import services
from meetings.models import Body, Meeting, MeetingKind
from registry.models import Relation
from tests.factories import World, build_world, make_household, make_person, make_user


def zh(msgid: str, **params) -> str:
    """The Chinese text users see for ``msgid`` (the catalogue's translation, with its parameters filled in)."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % params if params else text


def zh_n(singular: str, plural: str, n: int, **params) -> str:
    """The Chinese text of a plural msgid for ``n`` (``{% blocktranslate count %}``)."""
    with translation.override("zh-hans"):
        text = translation.ngettext(singular, plural, n)
    return text % {"n": n, **params}


@dataclass
class MeetingsWorld:
    w: World
    reps: list

    @property
    def users(self):
        return self.w.users

    @property
    def cadre(self):
        return self.w.users["cadre_a1"]

    @property
    def village(self):
        return self.w.village_a1

    def meeting(self, kind=MeetingKind.REPRESENTATIVES, *, days_ahead=None, basis="", title="会议", **over):
        """A meeting noticed in time (notice issued ``notice days + 1`` before the start) and opened."""
        now = timezone.now()
        start = now + timedelta(hours=1)
        noticed = start - timedelta(days=11)
        created = noticed - timedelta(hours=1)
        meeting = services.meeting_create(
            actor=self.cadre,
            village=over.pop("village", self.village),
            kind=kind,
            title=title,
            starts_at=start,
            place="村委会会议室",
            basis=basis,
            now=created,
            **over,
        )
        return services.meeting_notice(actor=self.cadre, meeting=meeting, now=noticed)

    def opened(self, kind=MeetingKind.REPRESENTATIVES, **kw) -> Meeting:
        meeting = self.meeting(kind, **kw)
        services.meeting_step(actor=self.cadre, meeting=meeting, step="open")
        meeting.refresh_from_db()
        return meeting


def build_meetings_world(extra_households: int = 8) -> MeetingsWorld:
    """安家村 gets ``extra_households`` households of two adults and a child, and a roster of 3 representatives
    (2 women) for its 10 households (one per 5–15 households: 1 to 2 needed, 3 warns)."""
    w = build_world()
    a1 = w.village_a1
    for i in range(extra_households):
        h = make_household(a1, f"01{i:02d}", w.grid_a1, head=f"户主{i}")
        w.households[f"x{i}"] = h
        w.people[f"x{i}_head"] = make_person(h, f"户主{i}", phone=f"1350000{i:04d}", birth=date(1970, 1, 1 + i))
        w.people[f"x{i}_wife"] = make_person(
            h, f"妻子{i}", relation=Relation.SPOUSE, gender="F", birth=date(1972, 2, 1 + i), phone=f"1360000{i:04d}"
        )
        w.people[f"x{i}_child"] = make_person(
            h, f"孩子{i}", relation=Relation.CHILD, birth=date(2015, 3, 1 + i), phone=f"1370000{i:04d}"
        )
    cadre = w.users["cadre_a1"]
    reps = [
        services.roster_add(actor=cadre, village=a1, body=Body.REPRESENTATIVES, person=w.people[key], households=5)
        for key in ("a1_head", "x0_wife", "x1_wife")
    ]
    for key in ("a1_head", "x0_head", "x1_head"):
        services.roster_add(actor=cadre, village=a1, body=Body.TWO_COMMITTEES, person=w.people[key], post="委员")
    w.users["supervisor_a1"] = make_user("supervisor_a1", Role.VILLAGE_SUPERVISOR, a1)
    w.users["villager_x0"] = make_user("villager_x0", Role.VILLAGER, a1, household=w.households["x0"])
    return MeetingsWorld(w, reps)
