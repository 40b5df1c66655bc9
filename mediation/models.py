"""矛盾纠纷调解 (人民调解): the mediation bodies with their mediators and experts, and the disputes they mediate.

A dispute is a case of ``core.workflow``: its eight steps (米易's 八步工作法) are declared in ``mediation/flows.py``.
A dispute is confidential (人民调解法 Art. 15): only its mediators, its committee's leaders, its parties and, for a
case marked high-risk, the supervisors above see it (``Flow(confidential=True)``; docs/mediation.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.models import CaseBase


class BodyKind(models.TextChoices):
    VILLAGE = "village", _("Village mediation committee (村调委会)")
    TOWNSHIP = "township", _("Township dispute resolution centre (乡镇矛盾纠纷多元化解中心)")
    COUNTY = "county", _("County specialised mediation committee (县级专业性调委会)")
    THIRD_PARTY = "third_party", _("Third-party mediation centre (第三方调解中心)")


class DisputeKind(models.TextChoices):
    FAMILY = "family", _("Marriage and family (婚姻家庭)")
    NEIGHBOURS = "neighbours", _("Neighbours (邻里)")
    LAND = "land", _("Land and forest (土地/山林)")
    HOMESTEAD = "homestead", _("Homestead (宅基地)")
    LABOUR = "labour", _("Labour, unpaid wages (劳动争议/欠薪)")
    MEDICAL = "medical", _("Medical (医疗)")
    TRAFFIC = "traffic", _("Traffic accident (交通事故)")
    PROPERTY = "property", _("Property management (物业)")
    DAMAGES = "damages", _("Compensation for damage (损害赔偿)")
    REQUISITION = "requisition", _("Land requisition and demolition (征地拆迁)")
    PETITION = "petition", _("Petition (信访)")
    OTHER = "other", _("Other")


class LocalKind(models.Model):
    """A type of dispute a county adds to the national list (e.g. 草场纠纷, 水利纠纷), kept by its administrator."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    code = models.SlugField(_("code"), max_length=16)
    name = models.CharField(pgettext_lazy("mediation body", "name"), max_length=40)
    active = models.BooleanField(_("in use"), default=True)

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("type of dispute added by the county")
        verbose_name_plural = _("types of dispute added by the county")
        ordering = ["county_id", "code"]
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="unique_mediation_local_kind")]

    def __str__(self):
        return self.name


def kind_choices(county_id, *, active_only: bool = True) -> list[tuple[str, str]]:
    """The national types of dispute and those the county added."""
    local = LocalKind.objects.filter(county_id=county_id)
    if active_only:
        local = local.filter(active=True)
    return [*DisputeKind.choices, *((k.code, k.name) for k in local)]


def kind_label(county_id, code: str) -> str:
    national = dict(DisputeKind.choices)
    if code in national:
        return str(national[code])
    found = LocalKind.objects.filter(county_id=county_id, code=code).values_list("name", flat=True).first()
    return found or code


class Source(models.TextChoices):
    SCREENING = "screening", _("Screening by grid workers or household heads (排查)")
    WALK_IN = "walk_in", _("Walk-in (来访)")
    APPLICATION = "application", _("A party's own application (当事人申请)")
    INCIDENT = "incident", _("A grid incident (网格事件转入)")
    COURT = "court", _("Referred by the court (诉调对接)")
    POLICE = "police", _("Referred by the police (公调对接)")
    PROCURATORATE = "procuratorate", _("Referred by the procuratorate (检调对接)")
    PETITION_OFFICE = "petition_office", _("Referred by the petitions office (访调对接)")
    ENTRUSTED = "entrusted", _("Entrusted by the court, police or traffic police (委托调解)")


REFERRALS = frozenset({Source.COURT, Source.POLICE, Source.PROCURATORATE, Source.PETITION_OFFICE, Source.ENTRUSTED})


class Risk(models.TextChoices):
    NORMAL = "normal", _("Ordinary")
    ELEVATED = "elevated", _("Elevated: watch it (关注)")
    HIGH = "high", _("High: raised to the township and the county (预警)")


class Hearing(models.TextChoices):
    PUBLIC = "public", _("In public (公开调解)")
    PRIVATE = "private", _("In private (不公开调解)")


class AgreementForm(models.TextChoices):
    WRITTEN = "written", _("Written agreement (调解协议书)")
    ORAL = "oral", _("Oral agreement (口头协议)")


class Confirmation(models.TextChoices):
    NONE = "", _("Not recorded")
    APPLIED = "applied", _("Applied for, waiting for the court")
    CONFIRMED = "confirmed", _("Confirmed by the court (司法确认)")
    REFUSED = "refused", _("Refused by the court")
    NOT_APPLIED = "not_applied", _("The parties did not apply")


class Performance(models.TextChoices):
    FULL = "full", _("Performed in full")
    PARTLY = "partly", _("Performed in part")
    NOT = "not", _("Not performed")


class Difficulty(models.TextChoices):
    SIMPLE = "simple", _("Simple (简易)")
    ORDINARY = "ordinary", _("Ordinary (一般)")
    COMPLEX = "complex", _("Complex (疑难复杂)")
    MAJOR = "major", _("Major (重大)")


class Body(models.Model):
    """A mediation body: a village committee (村调委会), a township centre, a county specialised committee or a
    third-party centre; kept by the county (and the township for its own and its villages' bodies)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    township = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("township")
    )
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=BodyKind.choices)
    name = models.CharField(pgettext_lazy("mediation body", "name"), max_length=80)
    field = models.CharField(
        _("field"), max_length=16, choices=DisputeKind.choices, blank=True, help_text=_("For a specialised committee.")
    )
    address = models.CharField(_("address"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id"}

    class Meta:
        verbose_name = _("mediation body")
        verbose_name_plural = _("mediation bodies")
        ordering = ["county_id", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="unique_mediation_body_name")]

    def __str__(self):
        return self.name

    @property
    def level_region(self):
        return self.village or self.township or self.county


class Title(models.TextChoices):
    DIRECTOR = "director", _("Director (主任)")
    DEPUTY = "deputy", _("Deputy director (副主任)")
    MEMBER = "member", _("Member (委员)")
    FULL_TIME = "full_time", _("Full-time mediator (专职调解员)")
    EXPERT = "expert", _("Expert (咨询专家)")


LEADERS = frozenset({Title.DIRECTOR, Title.DEPUTY})


class MediatorQuerySet(models.QuerySet):
    def leaders(self):
        """Those who lead their body (主任, 副主任) and are in its pool."""
        return self.filter(title__in=LEADERS, active=True)


class Mediator(models.Model):
    """A member of a body's mediator pool, or an expert of its expert bank (who may have no account)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="mediators", verbose_name=_("body"))
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediator_posts",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(
        pgettext_lazy("mediator", "title"), max_length=16, choices=Title.choices, default=Title.MEMBER
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    expertise = models.CharField(
        _("fields of expertise"), max_length=200, blank=True, help_text=_("e.g. 婚姻家庭, 土地, 医疗; separated by 、")
    )
    profile = models.CharField(_("short profile"), max_length=200, blank=True)
    available = models.BooleanField(_("taking cases"), default=True)
    active = models.BooleanField(_("in the pool"), default=True)

    objects = MediatorQuerySet.as_manager()

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["body_id", "title", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "user"], condition=models.Q(user__isnull=False), name="unique_mediator_account"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.get_title_display()}）"

    @property
    def is_leader(self) -> bool:
        return self.title in LEADERS

    @property
    def is_expert(self) -> bool:
        return self.title == Title.EXPERT


class Dispute(CaseBase):
    """矛盾纠纷: one dispute brought to mediation, from intake to the archived file."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("type of dispute"), max_length=16, choices=DisputeKind.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    referral_body = models.CharField(_("referring body"), max_length=80, blank=True)
    referral_number = models.CharField(_("referring body's reference number"), max_length=60, blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grid incident"),
    )
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="disputes", verbose_name=_("mediation body"))
    mediators = models.ManyToManyField(Mediator, blank=True, related_name="disputes", verbose_name=_("mediators"))
    preferred = models.ForeignKey(
        Mediator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mediator the parties chose"),
    )
    facts = models.TextField(_("what happened"))
    claims = models.TextField(_("what the parties ask for"), blank=True)
    amount = models.DecimalField(
        _("amount in dispute (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    risk = models.CharField(_("risk"), max_length=16, choices=Risk.choices, default=Risk.NORMAL)
    risk_reason = models.CharField(_("why it is a risk"), max_length=300, blank=True)
    hearing = models.CharField(_("hearing"), max_length=16, choices=Hearing.choices, blank=True)
    # the agreement (人民调解法 Art. 28-29), written by the step that drafts it
    agreement_form = models.CharField(
        _("form of the agreement"), max_length=16, choices=AgreementForm.choices, blank=True
    )
    agreed_facts = models.TextField(_("main facts, points in dispute and responsibilities"), blank=True)
    terms = models.TextField(_("what each party will do"), blank=True)
    perform_how = models.CharField(_("how it is performed"), max_length=300, blank=True)
    perform_by = models.DateField(_("performed by"), null=True, blank=True)
    sealed_on = models.DateField(_("committee's seal applied on"), null=True, blank=True)
    effective_on = models.DateField(_("agreement in effect from"), null=True, blank=True)
    confirmation = models.CharField(
        _("judicial confirmation"), max_length=16, choices=Confirmation.choices, blank=True, default=""
    )
    confirmation_reminded = models.BooleanField(_("reminded of the confirmation window"), default=False)
    follow_up_days = models.PositiveIntegerField(_("working days to the follow-up"), null=True, blank=True)
    performance = models.CharField(_("performance"), max_length=16, choices=Performance.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    difficulty = models.CharField(_("difficulty"), max_length=16, choices=Difficulty.choices, blank=True)
    file_number = models.CharField(_("file number"), max_length=40, blank=True)
    case_file = models.FileField(_("case file (卷宗)"), upload_to="mediation/files/%Y/", blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["body", "state"], name="dispute_body_state"),
            models.Index(fields=["county", "received_on"], name="dispute_county_received"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("mediation:case", args=[self.pk])

    def get_kind_display(self) -> str:
        """The type's name, a national one or one the county added."""
        return kind_label(self.county_id, self.kind)

    @property
    def is_referral(self) -> bool:
        return self.source in REFERRALS

    @property
    def confirmation_due(self):
        """The last day the parties may jointly apply for judicial confirmation (Art. 33: within 30 days of the
        agreement taking effect; the day it takes effect does not count)."""
        from datetime import timedelta

        return self.effective_on + timedelta(days=30) if self.effective_on else None


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant (申请人)")
    RESPONDENT = "respondent", _("Respondent (被申请人)")
    THIRD = "third", _("Third party (第三人)")


class DisputeParty(models.Model):
    """A party to a dispute (当事人): a resident from the registry where there is one, else by name."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties", verbose_name=_("dispute"))
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    name = models.CharField(_("name"), max_length=50)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("resident")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=120, blank=True)
    signed_on = models.DateField(_("signed the agreement on"), null=True, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["dispute_id", "role", "id"]

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"


class SubsidyRate(models.Model):
    """以案定补: what the county pays a mediator for a dispute mediated to an agreement, by type and difficulty
    (``kind`` blank: any type without a rate of its own). Kept by the county; every change is an audit event."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    kind = models.CharField(_("type of dispute"), max_length=16, choices=DisputeKind.choices, blank=True)
    difficulty = models.CharField(_("difficulty"), max_length=16, choices=Difficulty.choices)
    amount = models.DecimalField(
        _("subsidy per case (yuan)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("subsidy rate")
        verbose_name_plural = _("subsidy rates")
        ordering = ["county_id", "kind", "difficulty"]
        constraints = [
            models.UniqueConstraint(fields=["county", "kind", "difficulty"], name="unique_mediation_subsidy_rate"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="mediation_subsidy_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display() or '*'} · {self.get_difficulty_display()} · {self.amount}"
