"""Test data for 议事协商: the meetings test world (10 households in 安家村 with adults, representatives, two
committees) plus party members, and helpers that hold a meeting and let it decide a topic or the village rules
through the meetings services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from core.roles import Role
from deliberation import services
from deliberation.models import Origin, Topic
from meetings import services as meetings
from meetings.models import MeetingKind
from registry.models import PartyBranch, PartyMember, Person
from tests.factories import make_user
from tests.meetings.support import MeetingsWorld, build_meetings_world


def t(msgid: str, **params) -> str:
    """What a page shows for ``msgid`` (pages render in zh-hans; the msgid itself until it is translated)."""
    from django.utils.translation import gettext, override

    with override("zh-hans"):
        text = gettext(msgid)
    return text % params if params else text


def step_url(case, step: str) -> str:
    """Where a page posts a step of a topic, task or rules version: casework's step view."""
    return f"/casework/cases/{case.flow}/{case.pk}/steps/{step}/"


def api_step_url(case, step: str) -> str:
    """Where the API takes a step: casework's generic step endpoint."""
    return f"/api/casework/cases/{case.flow}/{case.pk}/steps/{step}"


@dataclass
class DeliberationWorld:
    mw: MeetingsWorld

    @property
    def w(self):
        return self.mw.w

    @property
    def users(self):
        return self.mw.w.users

    @property
    def cadre(self):
        return self.users["cadre_a1"]

    @property
    def village(self):
        return self.mw.w.village_a1

    def entry(self, name: str, village=None):
        dlist = services.list_ensure(
            actor=self.cadre if village is None else self.users["cadre_b1"], village=village or self.village
        )
        return dlist.entries.get(name=name)

    def topic(self, *, major=False, matter="", by="cadre_a1", **over) -> Topic:
        if matter:
            entry = self.entry(matter)
        else:
            entry = self.entry("村办公用房选址" if major else "人居环境整治、移风易俗")
        data = {
            "title": "修建村民活动广场",
            "text": "在村委会旁修建 800 平方米活动广场，经费 20 万元。",
            "origin": Origin.BRANCH,
        }
        data.update(over)
        return services.topic_propose(actor=self.users[by], village=self.village, entry=entry, **data)

    def meeting(self, kind, **kw):
        return self.mw.meeting(kind, **kw)

    def decide(self, meeting, motion, *, votes=None):
        """Open the meeting, sign everyone in and count a show of hands (all for unless ``votes`` given)."""
        meetings.meeting_step(actor=self.cadre, meeting=meeting, step="open")
        entries = list(meeting.register.all())
        meetings.attendance_sign_in_by_clerk(actor=self.cadre, meeting=meeting, entries=entries)
        meetings.motion_open(actor=self.cadre, motion=motion, method="hands")
        n = len(entries)
        f, a, s = votes if votes is not None else (n, 0, 0)
        return meetings.motion_record_totals(
            actor=self.cadre, motion=motion, votes_for=f, votes_against=a, votes_abstain=s
        )

    def adopt_topic(self, topic, kind, *, votes=None):
        meeting = self.meeting(kind, title=f"{kind}会议")
        motion = services.topic_to_agenda(actor=self.cadre, topic=topic, meeting=meeting)
        return self.decide(meeting, motion, votes=votes)

    def adopt_rules(self, rules, *, votes=None):
        meeting = self.meeting(MeetingKind.VILLAGERS_ASSEMBLY, title="村民会议", basis="household")
        motion = services.rules_to_agenda(actor=self.cadre, rules=rules, meeting=meeting)
        return self.decide(meeting, motion, votes=votes)

    def through_resolution(self, topic):
        """A 四议两公开 topic from the branch's proposal to the representatives' resolution."""
        services.topic_step(actor=self.cadre, topic=topic, step="committees", note="两委会议 11月10日 一致同意")
        self.adopt_topic(topic, MeetingKind.PARTY_MEMBERS)
        services.topic_step(actor=self.cadre, topic=topic, step="members")
        self.adopt_topic(topic, MeetingKind.REPRESENTATIVES)
        services.topic_step(actor=self.cadre, topic=topic, step="resolve")
        topic.refresh_from_db()
        return topic

    def through_publication(self, topic):
        """A 六步议事 topic from its proposal to publication."""
        services.topic_step(actor=self.cadre, topic=topic, step="confirm")
        services.topic_step(actor=self.cadre, topic=topic, step="vet", note="符合政策")
        services.topic_step(actor=self.cadre, topic=topic, step="deliberate", data={"outcome": "同意，分两期实施"})
        services.topic_step(actor=self.cadre, topic=topic, step="publish")
        topic.refresh_from_db()
        return topic

    def due(self, days=20):
        return timezone.localdate() + timedelta(days=days)


def build_deliberation_world() -> DeliberationWorld:
    mw = build_meetings_world()
    w = mw.w
    branch = PartyBranch(name="安家村党支部")
    branch.place_in(w.village_a1)
    branch.save()
    for key in ("a1_head", "x0_head", "x1_head", "x2_head"):
        member = PartyMember(person=w.people[key], branch=branch)
        member.place_in(w.village_a1)
        member.save()
    for i in range(2, 6):
        w.users[f"villager_x{i}"] = make_user(
            f"villager_x{i}", Role.VILLAGER, w.village_a1, household=w.households[f"x{i}"]
        )
    w.users["villager_b1"] = make_user("villager_b1", Role.VILLAGER, w.village_b1, household=w.households["b1"])
    w.users["township_b"] = make_user("township_b", Role.TOWNSHIP_OFFICIAL, w.township_b)
    # the villager's account belongs to the household head 王建国, whose name other villagers see masked
    Person.objects.filter(pk=w.people["a1_head"].pk).update(user=w.users["villager_a1"])
    return DeliberationWorld(mw)
