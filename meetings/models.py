"""Meetings of each kind (村民会议, 村民代表会议, 党员大会, 两委会议, 党群议事会, 院坝说事会, 集体经济组织成员大会 and
its representatives): the rosters a village keeps, the register taken when the notice is issued, sign-in, motions,
votes and delegations. A meeting is a case of ``core.workflow`` (flow ``meeting`` in ``meetings/flows.py``); the rules
(notice, register, quorum, decision) are pure functions in ``meetings/rules.py``. docs/meetings.md lists every
rule, its legal source and where it is enforced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.models import CaseBase
from core.models import AppendOnlyModel, AppendOnlyQuerySet, ScopedRow


class MeetingKind(models.TextChoices):
    VILLAGERS_ASSEMBLY = "villagers_assembly", _("Villagers' assembly (村民会议)")
    REPRESENTATIVES = "representatives", _("Villagers' representatives meeting (村民代表会议)")
    GROUP = "group", _("Village group meeting (村民小组会议)")
    PARTY_MEMBERS = "party_members", _("Party members' meeting (党员大会)")
    TWO_COMMITTEES = "two_committees", _("Two committees meeting (两委会议)")
    PARTY_MASSES = "party_masses", _("Party-masses council (党群议事会)")
    COURTYARD = "courtyard", _("Courtyard talk (院坝说事会)")
    COLLECTIVE_MEMBERS = "collective_members", _("Collective members' assembly (集体经济组织成员大会)")
    COLLECTIVE_REPRESENTATIVES = (
        "collective_representatives",
        _("Collective members' representatives assembly (集体经济组织成员代表大会)"),
    )


class ReservedMatter(models.TextChoices):
    """The matters of Organic Law Art. 24 that only the 村民会议 decides (or, by its delegation, the 代表会议),
    and the 村规民约 (Art. 27), which only the 村民会议 adopts and never delegates."""

    ALLOWANCES = "allowances", _("Who receives lost-work allowances and at what rate (误工补贴)")
    COLLECTIVE_INCOME = "collective_income", _("Use of collective income (集体收益使用)")
    PUBLIC_WORKS = "public_works", _("Funds and labour for public works and their contracts (公益事业筹资筹劳)")
    LAND_CONTRACTING = "land_contracting", _("The land-contracting plan (土地承包经营方案)")
    COLLECTIVE_PROJECTS = "collective_projects", _("Collective economic projects (集体经济项目)")
    HOMESTEADS = "homesteads", _("The homestead plan (宅基地使用方案)")
    LAND_COMPENSATION = "land_compensation", _("Use and distribution of land-requisition compensation (征地补偿)")
    COLLECTIVE_PROPERTY = "collective_property", _("Lending, leasing or disposing of collective property (集体财产)")
    VILLAGE_RULES = "village_rules", _("Village rules (村规民约)")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not decided yet")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", pgettext_lazy("motion", "Rejected")
    NO_QUORUM = "no_quorum", _("No quorum: not decided")


class RegisterBasis(models.TextChoices):
    """Who is on the register: persons (adults, members) or households (one representative each)."""

    PERSON = "person", _("By person")
    HOUSEHOLD = "household", _("By household (one representative each)")


class ConvenedBy(models.TextChoices):
    """Who asked for the meeting: its body as usual, or the villagers' or representatives' proposal that obliges
    the committee to call it (Organic Law Art. 21, 26)."""

    BODY = "body", _("Called by the committee or the body itself")
    VILLAGERS = "villagers", _("On the proposal of villagers (at least a tenth, Art. 21)")
    REPRESENTATIVES = "representatives", _("On the proposal of representatives (Art. 21: a third; Art. 26: a fifth)")


class Body(models.TextChoices):
    """The rosters a village keeps (the other registers come from the registry)."""

    REPRESENTATIVES = "representatives", _("Villagers' representatives (村民代表)")
    TWO_COMMITTEES = "two_committees", _("Members of the two committees (村两委成员)")
    PARTY_MASSES = "party_masses", _("Party-masses council members (党群议事会成员)")
    COLLECTIVE_MEMBERS = "collective_members", _("Collective economic organization members (集体经济组织成员)")
    COLLECTIVE_REPRESENTATIVES = "collective_representatives", _("Collective members' representatives (成员代表)")


class RosterMember(ScopedRow):
    """One person on one of the village's rosters, from ``since`` until removed (``until`` set)."""

    body = models.CharField(_("roster"), max_length=32, choices=Body.choices)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    post = models.CharField(_("post"), max_length=50, blank=True, help_text=_("e.g. 村委会主任, 第三组代表"))
    households = models.PositiveSmallIntegerField(
        _("households represented"),
        null=True,
        blank=True,
        help_text=_("For a representative: how many households elected them (Art. 25: 5 to 15)."),
    )
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("roster member")
        verbose_name_plural = _("roster members")
        ordering = ["body", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "person"], condition=models.Q(until__isnull=True), name="meetings_roster_once"
            )
        ]
        indexes = [models.Index(fields=["village", "body"], name="meetings_roster_village")]

    def __str__(self):
        return f"{self.get_body_display()}：{self.person}"


class MeetingPolicy(models.Model):
    """A county's notice periods (days) per kind of meeting, where they differ from the defaults of
    ``meetings.rules.DEFAULT_NOTICE_DAYS``; the statutory minimums cannot be lowered (rules.notice_days)."""

    county = models.OneToOneField("regions.Region", on_delete=models.PROTECT, related_name="+")
    notice_days = models.JSONField(_("notice days per kind"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("meeting rules of a county")
        verbose_name_plural = _("meeting rules of counties")

    def __str__(self):
        return str(self.county_id)


class Meeting(CaseBase):
    """会议: one meeting of a village body. Draft → noticed (the register is taken) → open (sign-in, votes) →
    closed (outcomes computed, minutes written)."""

    kind = models.CharField(_("kind of meeting"), max_length=32, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=100)
    agenda = models.TextField(_("agenda"), blank=True)
    group = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village group"),
    )
    basis = models.CharField(_("register"), max_length=16, choices=RegisterBasis.choices, default=RegisterBasis.PERSON)
    convened_by = models.CharField(_("called"), max_length=16, choices=ConvenedBy.choices, default=ConvenedBy.BODY)
    proposers = models.PositiveIntegerField(_("number of proposers"), null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField(_("days of notice required"), default=0)
    noticed_at = models.DateTimeField(_("notice issued at"), null=True, blank=True)
    register_size = models.PositiveIntegerField(_("on the register"), default=0)
    register_warnings = models.JSONField(_("warnings about the register"), default=list, blank=True)
    opened_at_moment = models.DateTimeField(pgettext_lazy("meeting", "opened at"), null=True, blank=True)
    ended_at = models.DateTimeField(pgettext_lazy("meeting", "closed at"), null=True, blank=True)
    chair = models.CharField(_("chaired by"), max_length=50, blank=True)
    recorder = models.CharField(_("minutes taken by"), max_length=50, blank=True)
    minutes = models.TextField(_("minutes (纪要)"), blank=True)
    minutes_at = models.DateTimeField(_("minutes written at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["village", "starts_at"], name="meeting_village_start"),
            models.Index(fields=["township", "state"], name="meeting_township_state"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"HY{timezone.localtime(self.created_at):%Y}-{self.pk or 0:06d}"


class RegisterEntry(models.Model):
    """应到: one line of a meeting's register, taken from the registry and the rosters when the notice is issued
    and never changed after. By person: ``person`` set; by household: ``household`` set (and ``person`` the
    household's head when known)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="register")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    household_number = models.CharField(_("household number"), max_length=32, blank=True)
    note = models.CharField(_("note"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        ordering = ["meeting", "household_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], condition=models.Q(household__isnull=True), name="register_person_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "household"],
                condition=models.Q(household__isnull=False),
                name="register_household_once",
            ),
        ]

    def __str__(self):
        return self.name


class SignInMethod(models.TextChoices):
    CLERK = "clerk", _("Signed in by the clerk")
    SELF = "self", _("Signed in on the phone")


class Attendance(AppendOnlyModel):
    """实到: the sign-in of one register entry. Once per entry (a unique constraint), never changed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendances")
    entry = models.OneToOneField(RegisterEntry, on_delete=models.PROTECT, related_name="attendance")
    method = models.CharField(_("how"), max_length=8, choices=SignInMethod.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("signed in at"), default=timezone.now)

    APPEND_ONLY_CHANGE = _("A sign-in cannot be changed.")
    APPEND_ONLY_DELETE = _("A sign-in cannot be deleted.")

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["at", "id"]


class VotingState(models.TextChoices):
    DRAFT = "draft", _("Not yet put to the vote")
    OPEN = "open", _("Voting open")
    CLOSED = "closed", _("Voting closed")


class VoteMethod(models.TextChoices):
    BALLOT = "ballot", _("Each attendee's vote recorded")
    HANDS = "hands", _("Show of hands: counted totals")


class Motion(models.Model):
    """议案: one matter put to a meeting. Its outcome is computed from the register, the sign-in and the votes
    when voting closes (``meetings.rules.decide``), never typed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="motions", verbose_name=_("meeting"))
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=150)
    text = models.TextField(_("text"), blank=True)
    reserved_matter = models.CharField(
        _("reserved matter (Art. 24/27)"), max_length=32, choices=ReservedMatter.choices, blank=True
    )
    subject = models.CharField(
        pgettext_lazy("meeting", "subject"),
        max_length=100,
        blank=True,
        help_text=_("What it decides, e.g. deliberation.topic:12"),
    )
    delegation = models.ForeignKey(
        "Delegation", on_delete=models.PROTECT, null=True, blank=True, related_name="motions"
    )
    voting = models.CharField(_("voting"), max_length=8, choices=VotingState.choices, default=VotingState.DRAFT)
    method = models.CharField(_("how votes are taken"), max_length=8, choices=VoteMethod.choices, blank=True)
    votes_for = models.PositiveIntegerField(pgettext_lazy("vote", "for"), default=0)
    votes_against = models.PositiveIntegerField(pgettext_lazy("vote", "against"), default=0)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), default=0)
    present = models.PositiveIntegerField(_("present at the vote"), default=0)
    register_size = models.PositiveIntegerField(_("on the register"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    binding = models.BooleanField(_("binding decision"), default=True)
    explanation = models.CharField(_("how it was decided"), max_length=300, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["meeting", "position", "id"]
        indexes = [models.Index(fields=["subject", "decided_at"], name="motion_subject")]

    def __str__(self):
        return self.title

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain


class Choice(models.TextChoices):
    FOR = "for", pgettext_lazy("vote", "For")
    AGAINST = "against", pgettext_lazy("vote", "Against")
    ABSTAIN = "abstain", pgettext_lazy("vote", "Abstain")


class VoteQuerySet(AppendOnlyQuerySet):
    def current(self):
        """The votes that count: those no correction has replaced (one per entry)."""
        return self.filter(corrected_by__isnull=True)


class Vote(AppendOnlyModel):
    """表决票: one attendee's vote on one motion, never changed. A vote mis-recorded by the clerk is corrected,
    while voting is open, by a new row that names the one it replaces (``corrects``, once each, so the
    corrections of an entry form one chain); the vote that counts is the one nothing replaces
    (``Vote.objects.current()``). One original vote per entry (a unique constraint)."""

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="votes")
    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    method = models.CharField(_("how"), max_length=8, choices=SignInMethod.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("voted at"), default=timezone.now)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrects the vote"),
    )
    reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)

    objects = VoteQuerySet.as_manager()

    APPEND_ONLY_CHANGE = _("A vote cannot be changed.")
    APPEND_ONLY_DELETE = _("A vote cannot be deleted.")

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "entry"], condition=models.Q(corrects__isnull=True), name="vote_once"
            )
        ]


class Delegation(ScopedRow):
    """授权: the 村民会议's (or the collective members' assembly's) adopted motion letting the lesser body decide
    one reserved matter until a date (Organic Law Art. 24 last paragraph). The 村规民约 is never delegated."""

    matter = models.CharField(_("matter"), max_length=32, choices=ReservedMatter.choices)
    to_kind = models.CharField(_("delegated to"), max_length=32, choices=MeetingKind.choices)
    granted_by = models.ForeignKey(
        Motion, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("granted by the motion")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="delegation_period_order"
            ),
            models.UniqueConstraint(fields=["granted_by", "matter"], name="delegation_once_per_motion"),
        ]

    def __str__(self):
        return f"{self.get_matter_display()} → {self.get_to_kind_display()}"

    def covers(self, day) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until
