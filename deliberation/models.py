"""议事协商 and 村规民约: the village's deliberation list, topics on their declared procedures (六步议事, 四议两公开),
co-signatures of a joint proposal (联名), online consultation (comments and a non-binding poll), decisions, the
tasks that carry them out (落实任务), and the village rules (村规民约) with each household's signature.

Topics, tasks and village-rules versions are cases of ``core.workflow`` (deliberation/flows.py); their state and
timeline belong to the engine. docs/deliberation.md lists every rule and where it is enforced.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import CaseBase
from core.models import ScopedRow


class Procedure(models.TextChoices):
    SIX_STEPS = "six_steps", _("Six-step deliberation (六步议事)")
    FOUR_TWO = "four_two", _("Four deliberations, two disclosures (四议两公开)")


class Origin(models.TextChoices):
    BRANCH = "branch", _("The party branch (村党组织)")
    COMMITTEES = "committees", _("The two committees (村两委)")
    VILLAGERS = "villagers", _("Villagers jointly (村民联名)")


class DeliberationList(ScopedRow):
    """议事协商清单 of one village: which kinds of matter go to which procedure (entries), and how many households
    must co-sign a villagers' joint proposal."""

    co_sign_min = models.PositiveSmallIntegerField(
        _("co-signing households needed"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(200)],
        help_text=_(
            "A joint proposal (联名) is taken up once this many households (the proposer's included) have signed."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("deliberation list")
        verbose_name_plural = _("deliberation lists")
        constraints = [models.UniqueConstraint(fields=["village"], name="deliberation_list_once")]

    def __str__(self):
        return str(self.village_id)


class ListEntry(models.Model):
    """One kind of matter on the list and the procedure it goes through."""

    dlist = models.ForeignKey(DeliberationList, on_delete=models.PROTECT, related_name="entries")
    name = models.CharField(_("kind of matter"), max_length=100)
    procedure = models.CharField(_("procedure"), max_length=16, choices=Procedure.choices)
    reserved_matter = models.CharField(
        _("reserved matter (Art. 24/27)"),
        max_length=32,
        blank=True,
        help_text=_("Only the villagers' assembly (or by its delegation the representatives) decides it."),
    )
    needs_party_masses = models.BooleanField(
        _("must pass the party-masses council (党群议事会)"),
        default=False,
        help_text=_(
            "e.g. 低保, 医疗救助, 救灾补助, 宅基地: an adopted motion of the 党群议事会 before deliberation ends."
        ),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("entry of the deliberation list")
        verbose_name_plural = _("entries of the deliberation list")
        ordering = ["dlist", "position", "id"]

    def __str__(self):
        return self.name


class Topic(CaseBase):
    """议题: a matter put to deliberation, on the procedure its kind of matter requires."""

    number_prefix = "YT"

    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("what is proposed"))
    origin = models.CharField(_("proposed by"), max_length=16, choices=Origin.choices)
    procedure = models.CharField(_("procedure"), max_length=16, choices=Procedure.choices)
    entry = models.ForeignKey(
        ListEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kind of matter")
    )
    reserved_matter = models.CharField(_("reserved matter (Art. 24/27)"), max_length=32, blank=True)
    needs_party_masses = models.BooleanField(_("must pass the party-masses council"), default=False)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposer")
    )
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposing household"),
    )
    co_sign_min = models.PositiveSmallIntegerField(_("co-signing households needed"), default=0)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)

    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["village", "state"], name="topic_village_state"),
            models.Index(fields=["township", "state"], name="topic_township_state"),
        ]

    def __str__(self):
        return self.title

    @property
    def number(self) -> str:
        return f"YT{timezone.localtime(self.created_at):%Y}-{self.pk or 0:05d}"

    @property
    def subject(self) -> str:
        """How a meeting's motion names this topic (meetings.Motion.subject)."""
        return f"deliberation.topic:{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("deliberation:topic", args=[self.pk])


class CoSignature(models.Model):
    """联名: one household's signature on a villagers' joint proposal (once per household)."""

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="cosignatures")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "household"], name="cosign_once_per_household")]

    def __str__(self):
        return f"{self.topic_id}:{self.household_id}"


class Comment(models.Model):
    """线上协商: a comment on a topic, or an opinion on a draft of the village rules (征集民意)."""

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, null=True, blank=True, related_name="comments")
    rules = models.ForeignKey("RulesVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(_("name"), max_length=50)
    is_staff = models.BooleanField(_("written by staff"), default=False)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(topic__isnull=False, rules__isnull=True)
                | models.Q(topic__isnull=True, rules__isnull=False),
                name="comment_on_one_thing",
            )
        ]

    def __str__(self):
        return self.text[:40]


class Poll(models.Model):
    """意见征询: a non-binding poll on a topic. One answer per household, changeable until it closes. It is not a
    vote: a decision the law gives to a meeting is taken there (meetings app), never here."""

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="polls")
    question = models.CharField(_("question"), max_length=200)
    options = models.JSONField(_("options"), default=list)
    closes_at = models.DateTimeField(_("closes at"))
    closed_early_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        verbose_name = _("consultation poll")
        verbose_name_plural = _("consultation polls")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.question

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.closed_early_at is None and now < self.closes_at


class PollAnswer(models.Model):
    """One household's answer to a poll (changed in place until the poll closes; each change is audited)."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="answers")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    option = models.PositiveSmallIntegerField(_("answer"))
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")
        constraints = [models.UniqueConstraint(fields=["poll", "household"], name="poll_answer_once_per_household")]

    def __str__(self):
        return f"{self.poll_id}:{self.household_id}={self.option}"


class Decision(ScopedRow):
    """决议: what a topic's procedure decided (or the village rules adopted), with the meeting motion that decided it,
    its publication and the public report of its result."""

    topic = models.OneToOneField(Topic, on_delete=models.PROTECT, null=True, blank=True, related_name="decision")
    rules = models.OneToOneField(
        "RulesVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="decision"
    )
    title = models.CharField(_("title"), max_length=150)
    text = models.TextField(_("decision"))
    body_label = models.CharField(_("decided by"), max_length=100, blank=True)
    motion_id = models.PositiveBigIntegerField(_("meeting motion"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    notice_id = models.PositiveBigIntegerField(_("village affairs notice"), null=True, blank=True)
    result = models.TextField(_("result of the implementation"), blank=True)
    result_published_at = models.DateTimeField(_("result published at"), null=True, blank=True)
    result_notice_id = models.PositiveBigIntegerField(_("result notice"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["village", "published_at"], name="decision_village_pub")]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"JY{timezone.localtime(self.decided_at):%Y}-{self.pk or 0:04d}"


class Task(CaseBase):
    """落实任务: one piece of work that carries out a decision, with its owner, deadline, progress notes and result."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("decision"))
    title = models.CharField(_("task"), max_length=150)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner's account"),
    )
    owner_name = models.CharField(_("owner"), max_length=50)
    due_date = models.DateField(_("due by"))
    working_days = models.PositiveSmallIntegerField(_("working days"), default=10)
    result = models.TextField(_("result"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["village", "state"], name="task_village_state"),
            models.Index(fields=["township", "state", "deadline_at"], name="task_township_open"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliberation:task", args=[self.pk])


class RulesVersion(CaseBase):
    """村规民约 (a version): drafted with the villagers, reviewed by the township, adopted by the villagers' assembly,
    filed with the township and promulgated; each household then signs its consent."""

    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("clauses"), help_text=_("One clause a line."))
    edition = models.PositiveSmallIntegerField(_("version"), default=1)
    review_comments = models.TextField(_("township's comments"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    promulgated_at = models.DateTimeField(_("promulgated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("village rules version")
        verbose_name_plural = _("village rules versions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["village", "state"], name="rules_village_state")]

    def __str__(self):
        return f"{self.title}（v{self.edition}）"

    @property
    def subject(self) -> str:
        return f"deliberation.rulesversion:{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("deliberation:rules_detail", args=[self.pk])

    def clauses(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]


class SignMethod(models.TextChoices):
    PHONE = "phone", _("Signed on the phone")
    PAPER = "paper", _("Paper signature recorded by the village")


class RulesSignature(models.Model):
    """One household's signature of consent to a version of the village rules (once per household)."""

    rules = models.ForeignKey(RulesVersion, on_delete=models.PROTECT, related_name="signatures")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("how"), max_length=8, choices=SignMethod.choices)
    signer_name = models.CharField(_("signed by"), max_length=50)
    signed_on = models.DateField(_("signed on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("signature of the village rules")
        verbose_name_plural = _("signatures of the village rules")
        ordering = ["rules", "household_id"]
        constraints = [models.UniqueConstraint(fields=["rules", "household"], name="rules_signature_once")]

    def __str__(self):
        return f"{self.rules_id}:{self.household_id}"
