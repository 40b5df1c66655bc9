"""The rules of meetings, in one place, pure (no database): notice periods, who is on the register, quorum and
the decision rule of each kind of meeting, and which body may decide a reserved matter.

Every threshold is integer arithmetic on counts, so "more than half" and "at least two thirds" are exact at
their edges (2 of 4 is not more than half; 4 of 6 is two thirds). docs/meetings.md has the table with the
legal source of each rule; tests/meetings/test_rules.py tests each edge.

Sources:
- 村民委员会组织法 (2018): Art. 21 (村民会议, 10 days' notice), Art. 22 (quorum: more than half of the adults
  or representatives of at least two thirds of the households; decisions by more than half of those present),
  Art. 24 (reserved matters, delegable to the 代表会议), Art. 25 (representatives: one per 5–15 households,
  women at least a third), Art. 26 (代表会议: quorum two thirds of its members, decisions by more than half of
  those present), Art. 27 (村规民约 only by the 村民会议), Art. 28 (村民小组会议: two thirds of the group's adults or
  households; decisions by more than half of those present).
- 农村集体经济组织法 (2025): Art. 27 (members' assembly: 10 days' notice, two thirds present, decisions by two
  thirds of ALL members), Art. 28 (representatives' assembly: one per 5–15 households, decisions by two thirds
  of all representatives).
- 中国共产党支部工作条例 (试行) Art. 21: a 党员大会 needs more than half of the members with voting rights
  present; a decision needs more than half of the members who should attend.
- 003 #7 (米易): 议事协商 meetings on 3 days' notice; 003 #11 (三堆镇): 党群议事会 of 20–30 members, monthly;
  004 五 (留坝): 院坝说事会, all villagers talk over the matter (consultative).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.models import Body, ConvenedBy, MeetingKind, Outcome, RegisterBasis, ReservedMatter

K = MeetingKind

# -- notice -------------------------------------------------------------------------------------------------

#: Days of notice by default. The two statutory periods are minimums no county can lower.
DEFAULT_NOTICE_DAYS: dict[str, int] = {
    K.VILLAGERS_ASSEMBLY: 10,  # Organic Law Art. 21
    K.COLLECTIVE_MEMBERS: 10,  # 农村集体经济组织法 Art. 27
    K.COLLECTIVE_REPRESENTATIVES: 10,  # the members' assembly's period, by analogy (Art. 28 is silent)
    K.REPRESENTATIVES: 3,  # Art. 26 is silent; 3 days as 003 #7 (米易) gives 议事协商 meetings
    K.GROUP: 3,  # Art. 28 is silent; the same 3 days
    K.PARTY_MEMBERS: 3,  # 支部工作条例 is silent; 3 days
    K.PARTY_MASSES: 3,  # 003 #7: 提前3天
    K.COURTYARD: 3,  # 003 #7: 提前3天
    K.TWO_COMMITTEES: 1,  # the working meeting of the two committees: the day before
}
STATUTORY_NOTICE_DAYS: dict[str, int] = {K.VILLAGERS_ASSEMBLY: 10, K.COLLECTIVE_MEMBERS: 10}
MAX_NOTICE_DAYS = 60


def notice_days(kind: str, overrides: dict | None = None) -> int:
    """The days of notice a meeting of ``kind`` needs: the county's figure where it set one, never below the
    statutory minimum."""
    days = DEFAULT_NOTICE_DAYS[kind]
    if overrides and kind in overrides:
        try:
            days = int(overrides[kind])
        except (TypeError, ValueError):
            days = DEFAULT_NOTICE_DAYS[kind]
    return max(days, STATUTORY_NOTICE_DAYS.get(kind, 0), 0)


def check_override(kind: str, days) -> str | None:
    """Why a county's notice period for ``kind`` is refused, or None when it is acceptable."""
    try:
        value = int(days)
    except (TypeError, ValueError):
        return _("Give a whole number of days.")
    minimum = STATUTORY_NOTICE_DAYS.get(kind, 0)
    if value < minimum:
        return _("The law requires at least %(days)s days' notice for this kind of meeting.") % {"days": minimum}
    if value > MAX_NOTICE_DAYS:
        return _("At most %(days)s days.") % {"days": MAX_NOTICE_DAYS}
    return None


def notice_in_time(noticed_at: datetime, starts_at: datetime, days: int) -> bool:
    """Notice issued at least ``days`` full days before the meeting starts (the day of notice counts from the
    moment it is issued: issued 1 November 09:00 with 10 days → the meeting may start 11 November 09:00)."""
    return starts_at - noticed_at >= timedelta(days=days)


def earliest_start(noticed_at: datetime, days: int) -> datetime:
    return noticed_at + timedelta(days=days)


# -- the register -------------------------------------------------------------------------------------------

ADULT_AGE = 18


@dataclass(frozen=True)
class RegisterRule:
    source: str  # "adults", "roster", "party"
    body: str = ""  # the roster, when source == "roster"
    bases: tuple[str, ...] = (RegisterBasis.PERSON,)
    by_group: bool = False


REGISTER: dict[str, RegisterRule] = {
    # Art. 22: the adults (18+), or the households' representatives — the village chooses either.
    K.VILLAGERS_ASSEMBLY: RegisterRule("adults", bases=(RegisterBasis.PERSON, RegisterBasis.HOUSEHOLD)),
    # Art. 28: the group's adults or households.
    K.GROUP: RegisterRule("adults", bases=(RegisterBasis.PERSON, RegisterBasis.HOUSEHOLD), by_group=True),
    # Art. 25/26: the village's representatives (roster), with the members of the villagers' committee, who
    # are members of the 代表会议 by law (Art. 25 first paragraph): put them on the roster too.
    K.REPRESENTATIVES: RegisterRule("roster", Body.REPRESENTATIVES),
    # The branch's members (registry.PartyMember of the village's branches).
    K.PARTY_MEMBERS: RegisterRule("party"),
    K.TWO_COMMITTEES: RegisterRule("roster", Body.TWO_COMMITTEES),
    K.PARTY_MASSES: RegisterRule("roster", Body.PARTY_MASSES),
    # 院坝说事会: all the village's (or the group's) adults are invited; it is consultative.
    K.COURTYARD: RegisterRule("adults", bases=(RegisterBasis.PERSON, RegisterBasis.HOUSEHOLD)),
    # 集体经济组织成员: the roster the organization keeps when it keeps one; otherwise the village's adults on
    # the registry (membership follows registered residence and land contracting, Art. 11–12 of the 2025 law).
    K.COLLECTIVE_MEMBERS: RegisterRule("roster", Body.COLLECTIVE_MEMBERS),
    K.COLLECTIVE_REPRESENTATIVES: RegisterRule("roster", Body.COLLECTIVE_REPRESENTATIVES),
}


def register_bases(kind: str) -> tuple[str, ...]:
    return REGISTER[kind].bases


def is_adult(birth_date, on) -> bool:
    """18 or older on the day ``on`` (born on or before the same day 18 years earlier; 29 February → 1 March)."""
    if birth_date is None:
        return False
    years = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return years >= ADULT_AGE


@dataclass(frozen=True)
class RosterCheck:
    refuse: list[str]
    warn: list[str]


def check_representatives(*, households: int, representatives: int, women: int, households_each=()) -> RosterCheck:
    """Art. 25: one representative per 5–15 households; women at least a third of the representatives.

    Refused: no representative at all, or fewer than households/15 (some households are unrepresented).
    Warned: women under a third (the law says 应当 — the village must correct it at the next election, the
    meeting can still be held), more representatives than households/5, a representative of a number of
    households outside 5–15."""
    refuse: list[str] = []
    warn: list[str] = []
    if representatives == 0:
        refuse.append(_("The village has no representatives on its roster."))
        return RosterCheck(refuse, warn)
    if households and representatives * 15 < households:
        refuse.append(
            _("%(n)s representatives for %(h)s households: at least one per 15 households is required (Art. 25).")
            % {"n": representatives, "h": households}
        )
    if households and representatives * 5 > households:
        warn.append(
            _("%(n)s representatives for %(h)s households: one per 5 to 15 households (Art. 25).")
            % {"n": representatives, "h": households}
        )
    if women * 3 < representatives:
        warn.append(
            _("Women are %(w)s of %(n)s representatives: at least a third is required (Art. 25).")
            % {"w": women, "n": representatives}
        )
    odd = [h for h in households_each if h is not None and not 5 <= h <= 15]
    if odd:
        warn.append(_("%(n)s representatives stand for fewer than 5 or more than 15 households.") % {"n": len(odd)})
    return RosterCheck(refuse, warn)


PARTY_MASSES_SIZE = (20, 30)


def check_party_masses(members: int) -> RosterCheck:
    """003 #11: a 党群议事会 of 20–30 members. Outside that: a warning (the seed is a county's practice)."""
    low, high = PARTY_MASSES_SIZE
    if members == 0:
        return RosterCheck([_("The party-masses council has no members on its roster.")], [])
    if not low <= members <= high:
        return RosterCheck(
            [], [_("The party-masses council has %(n)s members; 20 to 30 is the rule (003 #11).") % {"n": members}]
        )
    return RosterCheck([], [])


def check_register(size: int) -> RosterCheck:
    if size == 0:
        return RosterCheck([_("Nobody is on the register of this meeting: keep the roster or the registry first.")], [])
    return RosterCheck([], [])


# -- quorum and decisions -----------------------------------------------------------------------------------


def more_than_half(part: int, whole: int) -> bool:
    return whole > 0 and 2 * part > whole


def at_least_two_thirds(part: int, whole: int) -> bool:
    return whole > 0 and 3 * part >= 2 * whole


def need_more_than_half(whole: int) -> int:
    return whole // 2 + 1


def need_two_thirds(whole: int) -> int:
    return -(-2 * whole // 3)


CONSULTATIVE = frozenset({K.PARTY_MASSES, K.COURTYARD})


def quorum(kind: str, basis: str, register_size: int, present: int) -> tuple[bool, int]:
    """(met, the number needed) for ``present`` signed in of ``register_size`` on the register."""
    if kind == K.COURTYARD:
        return present >= 1, 1  # consultative, whoever comes (004 五)
    if kind == K.VILLAGERS_ASSEMBLY and basis == RegisterBasis.PERSON:
        return more_than_half(present, register_size), need_more_than_half(register_size)  # Art. 22
    if kind in (K.PARTY_MEMBERS, K.TWO_COMMITTEES, K.PARTY_MASSES):
        return more_than_half(present, register_size), need_more_than_half(register_size)
    # Art. 22 by household, Art. 26, Art. 28, 集体法 Art. 27/28: at least two thirds
    return at_least_two_thirds(present, register_size), need_two_thirds(register_size)


def quorum_text(kind: str, basis: str) -> str:
    if kind == K.COURTYARD:
        return str(gettext_lazy("No quorum: a consultative meeting of whoever comes"))
    if kind == K.VILLAGERS_ASSEMBLY and basis == RegisterBasis.PERSON:
        return str(gettext_lazy("More than half of the village's adults (Art. 22)"))
    if kind == K.VILLAGERS_ASSEMBLY:
        return str(gettext_lazy("Representatives of at least two thirds of the households (Art. 22)"))
    if kind == K.REPRESENTATIVES:
        return str(gettext_lazy("At least two thirds of the representatives (Art. 26)"))
    if kind == K.GROUP:
        return str(gettext_lazy("At least two thirds of the group's adults or households (Art. 28)"))
    if kind == K.PARTY_MEMBERS:
        return str(gettext_lazy("More than half of the members with voting rights (支部工作条例)"))
    if kind in (K.TWO_COMMITTEES, K.PARTY_MASSES):
        return str(gettext_lazy("More than half of the members"))
    return str(gettext_lazy("At least two thirds of the members (集体经济组织法 Art. 27/28)"))


def quorum_refusal(kind: str, basis: str, register_size: int, present: int, needed: int) -> str:
    """Why a motion cannot be put to the vote, counted in what the register counts: households on a register by
    household (one representative each), people otherwise."""
    values = {"present": present, "size": register_size, "needed": needed, "rule": quorum_text(kind, basis)}
    if basis == RegisterBasis.HOUSEHOLD:
        return (
            _(
                "No quorum: %(present)s of %(size)s households are signed in, %(needed)s households are needed "
                "(%(rule)s). The meeting cannot decide."
            )
            % values
        )
    return (
        _(
            "No quorum: %(present)s of %(size)s are signed in, %(needed)s are needed (%(rule)s). "
            "The meeting cannot decide."
        )
        % values
    )


def decision_text(kind: str) -> str:
    if kind in (K.COLLECTIVE_MEMBERS, K.COLLECTIVE_REPRESENTATIVES):
        return str(gettext_lazy("At least two thirds of ALL members in favour (集体经济组织法 Art. 27/28)"))
    if kind in (K.PARTY_MEMBERS, K.TWO_COMMITTEES):
        return str(gettext_lazy("More than half of all members in favour"))
    if kind in CONSULTATIVE:
        return str(gettext_lazy("More than half of those present in favour; an opinion, not a binding decision"))
    return str(gettext_lazy("More than half of those present in favour (Art. 22/26/28)"))


@dataclass(frozen=True)
class Decision:
    outcome: str
    quorum_met: bool
    quorum_needed: int
    votes_needed: int
    binding: bool


def decide(
    kind: str, basis: str, *, register_size: int, present: int, votes_for: int, votes_against: int, votes_abstain: int
) -> Decision:
    """The outcome of one motion. Abstentions and people present who did not vote count as present and not in
    favour (so they weigh like a vote against where the rule is a share of those present)."""
    met, needed = quorum(kind, basis, register_size, present)
    if kind in (K.COLLECTIVE_MEMBERS, K.COLLECTIVE_REPRESENTATIVES):
        votes_needed = need_two_thirds(register_size)
        passed = at_least_two_thirds(votes_for, register_size)
    elif kind in (K.PARTY_MEMBERS, K.TWO_COMMITTEES):
        votes_needed = need_more_than_half(register_size)
        passed = more_than_half(votes_for, register_size)
    else:
        votes_needed = need_more_than_half(present)
        passed = more_than_half(votes_for, present)
    if not met:
        outcome = Outcome.NO_QUORUM
    else:
        outcome = Outcome.ADOPTED if passed else Outcome.REJECTED
    return Decision(outcome, met, needed, votes_needed, kind not in CONSULTATIVE)


def check_totals(*, present: int, votes_for: int, votes_against: int, votes_abstain: int) -> dict[str, str]:
    """A show of hands: the three counts add up to those present (everyone present is counted once: for,
    against or abstaining) and none is negative. Returns {field: message}, empty when fine."""
    errors: dict[str, str] = {}
    for name, value in (("votes_for", votes_for), ("votes_against", votes_against), ("votes_abstain", votes_abstain)):
        if value < 0:
            errors[name] = _("A count cannot be negative.")
    if errors:
        return errors
    total = votes_for + votes_against + votes_abstain
    if total > present:
        errors["votes_for"] = _("%(total)s votes counted but only %(present)s people are signed in.") % {
            "total": total,
            "present": present,
        }
    elif total != present:
        errors["votes_abstain"] = _(
            "For, against and abstentions add up to %(total)s, but %(present)s people are signed in: "
            "count those who did not raise a hand as abstaining."
        ) % {"total": total, "present": present}
    return errors


# -- who may decide what ------------------------------------------------------------------------------------

ART24 = frozenset(m for m in ReservedMatter.values if m != ReservedMatter.VILLAGE_RULES)
#: Matters of the collective economic organization's own assembly (集体经济组织法 Art. 26).
COLLECTIVE_MATTERS = frozenset(
    {
        ReservedMatter.COLLECTIVE_INCOME,
        ReservedMatter.LAND_CONTRACTING,
        ReservedMatter.COLLECTIVE_PROJECTS,
        ReservedMatter.LAND_COMPENSATION,
        ReservedMatter.COLLECTIVE_PROPERTY,
    }
)
#: Which body may delegate to which (Art. 24 last paragraph; 集体法 Art. 28).
DELEGATES_TO = {K.VILLAGERS_ASSEMBLY: K.REPRESENTATIVES, K.COLLECTIVE_MEMBERS: K.COLLECTIVE_REPRESENTATIVES}


def may_decide(kind: str, matter: str, *, delegated: bool = False) -> str | None:
    """None when a meeting of ``kind`` may decide ``matter``; otherwise why not (a Chinese message).

    The 村规民约 only at a 村民会议 (Art. 27, never delegated). An Art. 24 matter at a 村民会议, at a 代表会议 with
    a delegation in force, and — for the collective's economic matters — at the collective members' assembly, or
    its representatives' assembly with a delegation. Consultative bodies never decide a reserved matter."""
    if not matter:
        return None
    if matter == ReservedMatter.VILLAGE_RULES:
        if kind == K.VILLAGERS_ASSEMBLY:
            return None
        return _("Only the villagers' assembly adopts or amends the village rules (Art. 27); it cannot delegate this.")
    if kind == K.VILLAGERS_ASSEMBLY:
        return None
    if kind == K.COLLECTIVE_MEMBERS and matter in COLLECTIVE_MATTERS:
        return None
    if kind in (K.REPRESENTATIVES, K.COLLECTIVE_REPRESENTATIVES):
        if kind == K.COLLECTIVE_REPRESENTATIVES and matter not in COLLECTIVE_MATTERS:
            return _("This matter is not one of the collective economic organization's; it belongs to the villagers.")
        if delegated:
            return None
        return _(
            "This matter is reserved to the villagers' assembly (Art. 24): a representatives' meeting may decide it "
            "only with a delegation in force, adopted by the assembly."
        )
    return _(
        "This matter is reserved to the villagers' assembly (Art. 24); this body cannot decide it, "
        "not even as an opinion."
    )


# -- the township's review --------------------------------------------------------------------------------------


def quarter_start(day):
    """The first day of ``day``'s quarter."""
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def representatives_meeting_due(last_held, today) -> bool:
    """Art. 26: the 村民代表会议 meets at least once a quarter. Due when none was held since the quarter began."""
    return last_held is None or last_held < quarter_start(today)


# -- who may ask for a meeting (Art. 21, 26) ----------------------------------------------------------------------


def check_proposal(kind: str, convened_by: str, proposers, *, adults: int, representatives: int) -> dict[str, str]:
    """A 村民会议 must be called when at least a tenth of the villagers (18+) or a third of the representatives
    propose it (Art. 21); a 村民代表会议 when a fifth of the representatives do (Art. 26). A meeting recorded as
    called on such a proposal needs the number of proposers, and enough of them. {field: message}, empty when fine."""
    if convened_by in ("", ConvenedBy.BODY):
        return {}
    if convened_by not in ConvenedBy.values:
        return {"convened_by": _("Choose who asked for the meeting.")}
    allowed = {
        K.VILLAGERS_ASSEMBLY: {ConvenedBy.VILLAGERS, ConvenedBy.REPRESENTATIVES},
        K.REPRESENTATIVES: {ConvenedBy.REPRESENTATIVES},
    }.get(kind, set())
    if convened_by not in allowed:
        return {"convened_by": _("The law provides no such proposal for this kind of meeting.")}
    try:
        n = int(proposers)
    except (TypeError, ValueError):
        return {"proposers": _("Give the number of proposers.")}
    if convened_by == ConvenedBy.VILLAGERS:
        whole, share, label = adults, 10, _("a tenth of the village's %(whole)s adults (Art. 21)")
    elif kind == K.VILLAGERS_ASSEMBLY:
        whole, share, label = representatives, 3, _("a third of the %(whole)s representatives (Art. 21)")
    else:
        whole, share, label = representatives, 5, _("a fifth of the %(whole)s representatives (Art. 26)")
    if n < 1 or n > whole:
        return {"proposers": _("Between 1 and %(whole)s.") % {"whole": whole}}
    if n * share < whole:
        return {"proposers": _("%(n)s proposers are fewer than %(rule)s.") % {"n": n, "rule": label % {"whole": whole}}}
    return {}
