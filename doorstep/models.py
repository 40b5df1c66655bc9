"""便民服务 · 帮办代办 (services on the doorstep): the county's catalogue of service items per level, the
"一件事一次办" bundles, the certificates a village may issue, the service points and their agents, and the
requests villagers make.

A request is a case of ``core.workflow``: its procedure (受理 → 办理 → [递交上级 → 结果返回] → 办结 → 评价 → 回访,
返工 when the villager is not satisfied) is declared in ``doorstep/flows.py``. A request keeps the catalogue version
it started on (``ItemVersion`` rows are never changed: a change of the catalogue is a new version).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.models import CaseBase


class Level(models.TextChoices):
    """Where an item is done (罗江: 县 → 乡镇便民服务中心 → 村（社区）便民服务室)."""

    VILLAGE = "village", _("Village service room (村便民服务室)")
    TOWNSHIP = "township", _("Township service centre (乡镇便民服务中心)")
    COUNTY = "county", _("County government service centre (县政务服务中心)")


class Category(models.TextChoices):
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance (社保)")
    MEDICAL_INSURANCE = "medical_insurance", _("Medical insurance (医保)")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs and assistance (民政救助)")
    DISABILITY = "disability", _("Disability (残联)")
    HOUSEHOLD_REGISTER = "household_register", _("Household register (户籍)")
    HOUSING = "housing", _("Rural housing and land (农村建房/宅基地)")
    FUNERAL = "funeral", _("Funerals (殡葬)")
    AGRICULTURE = "agriculture", _("Agriculture subsidies (农业补贴)")
    EMPLOYMENT = "employment", _("Employment (就业)")
    FAMILY = "family", _("Births and family (生育/计生)")
    VETERANS = "veterans", _("Veterans (退役军人)")
    CERTIFICATE = "certificate", _("Village certificates (村级证明)")
    OTHER = "other", _("Other")


class Item(models.Model):
    """服务事项: one entry of the county's catalogue. What it asks and how long it takes are in its versions; the
    item itself is admitted on a date and retired on a date (never deleted: requests point at it)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    code = models.SlugField(_("code"), max_length=40)
    current = models.ForeignKey(
        "ItemVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    admitted_on = models.DateField(_("admitted on"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    certificate = models.ForeignKey(
        "CertificateKind",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("certificate it issues"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["county_id", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="unique_doorstep_item_code")]

    def __str__(self):
        return self.current.name if self.current_id else self.code

    def in_force(self, day) -> bool:
        return self.admitted_on <= day and (self.retired_on is None or day < self.retired_on)


class ItemVersion(models.Model):
    """One version of a catalogue item, never changed once written: a request keeps the version it started on."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="versions", verbose_name=_("service item"))
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(pgettext_lazy("service item", "name"), max_length=80)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    materials = models.JSONField(_("materials required"), default=list, blank=True)
    time_limit_days = models.PositiveIntegerField(_("time limit (working days)"), validators=[MinValueValidator(1)])
    place = models.CharField(_("where it is done"), max_length=120, blank=True)
    agent_may = models.BooleanField(_("a village agent may take it (代办)"), default=True)
    online = models.BooleanField(_("can be applied for on the phone (掌上办)"), default=True)
    fee = models.CharField(_("fee"), max_length=80, blank=True, help_text=_("Blank means free of charge."))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    upstream_office = models.CharField(_("office it goes to upstream"), max_length=80, blank=True)
    notes = models.CharField(_("notes for applicants"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("version of a service item")
        verbose_name_plural = _("versions of service items")
        ordering = ["item_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="unique_doorstep_item_version")]

    def __str__(self):
        return f"{self.name}（v{self.number}）"

    @property
    def free(self) -> bool:
        return not self.fee


# what a version of an item says (all but its item, number and who wrote it): a change of any is a new version
VERSION_FIELDS = (
    "name",
    "category",
    "level",
    "materials",
    "time_limit_days",
    "place",
    "agent_may",
    "online",
    "fee",
    "legal_basis",
    "upstream_office",
    "notes",
)


class Bundle(models.Model):
    """一件事一次办: a life event (新生儿出生, 老人身故, 新建住房) that opens every item it needs at once."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(pgettext_lazy("service item", "name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    items = models.ManyToManyField(Item, related_name="bundles", verbose_name=_("service items"))
    active = models.BooleanField(_("in use"), default=True)

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("one-visit bundle (一件事一次办)")
        verbose_name_plural = _("one-visit bundles (一件事一次办)")
        ordering = ["county_id", "code"]
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="unique_doorstep_bundle_code")]

    def __str__(self):
        return self.name


class CertificateKind(models.Model):
    """A certificate on the county's list of those a village may issue (罗江 cut them to 4). ``code`` selects how
    its text is generated from the registry (doorstep/certificates.py)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(pgettext_lazy("service item", "name"), max_length=60)
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    admitted_on = models.DateField(_("admitted on"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("kind of village certificate")
        verbose_name_plural = _("kinds of village certificate")
        ordering = ["county_id", "code"]
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="unique_doorstep_certificate_kind")]

    def __str__(self):
        return self.name

    def in_force(self, day) -> bool:
        return self.admitted_on <= day and (self.retired_on is None or day < self.retired_on)


class ServicePoint(models.Model):
    """A township service centre or a village service room: where it is, when it opens, who is on duty."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    township = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    name = models.CharField(pgettext_lazy("service item", "name"), max_length=80)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    after_hours = models.CharField(
        _("outside office hours (8小时外)"), max_length=120, blank=True, help_text=_("e.g. 预约上门, 值班电话")
    )
    on_duty = models.CharField(_("who is on duty"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id"}

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["county_id", "township_id", "level", "name"]

    def __str__(self):
        return self.name


class AgentKind(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker (网格员)")
    VOLUNTEER = "volunteer", _("Volunteer (志愿者)")
    ASSISTANT = "assistant", _("Village affairs assistant (村务助理)")
    SECRETARY = "secretary", _("Project secretary (项目秘书)")
    SOCIAL_WORKER = "social_worker", _("Social organisation worker (社会组织工作者)")


class Agent(models.Model):
    """代办员: a person who takes requests for the villages they serve (a grid worker, a volunteer, a 村务助理);
    acts with their account."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    township = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="service_agent_posts",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=16, choices=AgentKind.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    villages = models.ManyToManyField("regions.Region", related_name="+", verbose_name=_("villages served"))
    active = models.BooleanField(_("in use"), default=True)

    SCOPE_PATHS = {"county": "county_id", "township": "township_id"}

    class Meta:
        verbose_name = _("service agent (代办员)")
        verbose_name_plural = _("service agents (代办员)")
        ordering = ["county_id", "township_id", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "user"], name="unique_doorstep_agent_account")]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class Channel(models.TextChoices):
    PHONE = "phone", _("On the phone (掌上办)")
    AGENT = "agent", _("Through an agent (代办)")
    COUNTER = "counter", _("At the counter (窗口)")


class Consent(models.TextChoices):
    """How the villager agreed that someone acts for them."""

    SIGNED = "signed", _("Signed authorisation (书面委托)")
    IN_PERSON = "in_person", _("Agreed in person (当面同意)")
    PHONE = "phone", _("Agreed on the phone (电话确认)")
    GUARDIAN = "guardian", _("By their guardian (监护人代为)")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied (满意)")
    BASIC = "basic", _("Basically satisfied (基本满意)")
    UNSATISFIED = "unsatisfied", _("Not satisfied (不满意)")


class ServiceRequest(CaseBase):
    """办件: one request of one villager for one item of the catalogue, as the version it started on."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="requests", verbose_name=_("service item"))
    item_version = models.ForeignKey(
        ItemVersion, on_delete=models.PROTECT, related_name="requests", verbose_name=_("catalogue version")
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    time_limit_days = models.PositiveIntegerField(_("time limit (working days)"))
    bundle = models.ForeignKey(
        Bundle, on_delete=models.PROTECT, null=True, blank=True, related_name="requests", verbose_name=_("bundle")
    )
    group = models.UUIDField(_("application"), default=uuid.uuid4, db_index=True, editable=False)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("for"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the villager's account"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    on_behalf = models.BooleanField(_("filed on the villager's behalf"), default=False)
    consent = models.CharField(_("the villager's consent"), max_length=16, choices=Consent.choices, blank=True)
    details = models.TextField(_("what is asked"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, null=True, blank=True, related_name="requests", verbose_name=_("agent")
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    went_upstream = models.BooleanField(_("handed upstream"), default=False)
    upstream_office = models.CharField(_("office it went to"), max_length=80, blank=True)
    result = models.TextField(_("result"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_on_time = models.BooleanField(_("completed on time"), null=True)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    redo_count = models.PositiveIntegerField(_("times redone (返工)"), default=0)
    revisited_at = models.DateTimeField(_("revisited at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["village", "state"], name="doorstep_request_village_state"),
            models.Index(fields=["county", "opened_at"], name="doorstep_request_county_opened"),
            models.Index(fields=["agent", "state"], name="doorstep_request_agent_state"),
            models.Index(fields=["county", "completed_at"], name="doorstep_request_completed"),
        ]

    def __str__(self):
        return f"{self.number} {self.item_version.name}"

    def get_absolute_url(self):
        return reverse("doorstep:request", args=[self.pk])


class Material(models.Model):
    """One material of an application's checklist: ticked when seen, with a photo or PDF of the document (shown
    only to those who may see a request of the application). A bundle's requests share their application's
    materials: each is asked for once."""

    group = models.UUIDField(_("application"), db_index=True)
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    name = models.CharField(pgettext_lazy("service item", "name"), max_length=80)
    provided = models.BooleanField(_("provided"), default=False)
    file = models.FileField(_("file"), upload_to="doorstep/materials/%Y/%m/", blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["group", "id"]

    def __str__(self):
        return self.name


class Certificate(models.Model):
    """村级证明: generated from the registry when a certificate request is completed (never retyped), numbered,
    and verifiable by its number."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    township = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    number = models.CharField(_("number"), max_length=32, unique=True)
    kind = models.ForeignKey(
        CertificateKind, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("kind")
    )
    request = models.OneToOneField(
        ServiceRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
        verbose_name=_("service request"),
    )
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("for"))
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    text = models.TextField(_("text"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id"}

    class Meta:
        verbose_name = _("village certificate")
        verbose_name_plural = _("village certificates")
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.number} {self.kind.name}"
