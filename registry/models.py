"""The registry (基础信息): households (户), residents (人), organizations, party branches and tags."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import crypto
from core.masking import mask_id_number, mask_phone
from core.models import ScopedRow


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    OTHER = "other", _("Other")


class Household(ScopedRow):
    """户: a household registered in a village, in one grid and (optionally) one village group."""

    number = models.CharField(_("household number"), max_length=32)
    group = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village group"),
    )
    grid = models.ForeignKey(
        "regions.Grid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("grid"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    head_name = models.CharField(_("head of household"), max_length=50, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "group": "group_id",
        "grid": "grid_id",
        "household": "id",
    }

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["village_id", "number"]
        constraints = [models.UniqueConstraint(fields=["village", "number"], name="unique_household_number")]
        indexes = [
            models.Index(fields=["county", "head_name"]),
            models.Index(fields=["township", "number"]),
            models.Index(fields=["grid", "number"]),
        ]

    def __str__(self):
        return f"{self.head_name or _('(no head)')}户（{self.number}）"


class Tag(models.Model):
    """人员标签: 党员, 低保, 特困, 残疾, 留守 …; restricted tags (社区矫正, 刑满释放) only for roles that need them."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    restricted = models.BooleanField(_("restricted"), default=False)
    sensitive = models.BooleanField(
        _("sensitive personal information"),
        default=False,
        help_text=_("Never shown on a public page unless a rule names it (PIPL Art. 28)."),
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["restricted", "code"]

    def __str__(self):
        return self.name


class Person(ScopedRow):
    """人: a resident, member of one household. ID number and phone are encrypted at rest."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices, default=Relation.OTHER)
    id_number_cipher = models.TextField(editable=False, blank=True)
    id_number_digest = models.CharField(max_length=64, editable=False, blank=True)
    id_number_masked = models.CharField(_("ID number"), max_length=24, editable=False, blank=True)
    phone_cipher = models.TextField(editable=False, blank=True)
    phone_digest = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=20, editable=False, blank=True)
    # keyed digests of the last digits, for search by 手机尾号 / the tail of an ID number (core.crypto.tail_digest)
    phone_tail_digest = models.CharField(max_length=64, editable=False, blank=True)
    id_tail4_digest = models.CharField(max_length=64, editable=False, blank=True)
    id_tail6_digest = models.CharField(max_length=64, editable=False, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="people", verbose_name=_("tags"))
    is_deceased = models.BooleanField(_("deceased"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident",
        verbose_name=_("account"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    SCOPE_PATHS = {
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
        "group": "household__group_id",
        "grid": "household__grid_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_digest"], condition=~models.Q(id_number_digest=""), name="unique_person_id_number"
            )
        ]
        # (scope, name, household): household_search's member-name subquery reads these index-only, within
        # the actor's county or village.
        # The tail digests: search by 手机尾号 or the tail of an ID number finds ~1 in 10,000 residents by index.
        indexes = [
            models.Index(fields=["county", "name", "household"]),
            models.Index(fields=["village", "name", "household"]),
            models.Index(fields=["phone_tail_digest"], name="person_phone_tail"),
            models.Index(fields=["id_tail4_digest"], name="person_id_tail4"),
            models.Index(fields=["id_tail6_digest"], name="person_id_tail6"),
        ]

    def __str__(self):
        return self.name

    def set_id_number(self, value: str) -> None:
        value = (value or "").strip().upper()
        self.id_number_cipher = crypto.encrypt(value)
        self.id_number_digest = crypto.digest(value)
        self.id_number_masked = mask_id_number(value)
        self.id_tail4_digest = crypto.tail_digest("id4", value)
        self.id_tail6_digest = crypto.tail_digest("id6", value)

    def set_phone(self, value: str) -> None:
        value = (value or "").strip()
        self.phone_cipher = crypto.encrypt(value)
        self.phone_digest = crypto.digest(value)
        self.phone_masked = mask_phone(value)
        self.phone_tail_digest = crypto.tail_digest("phone4", value)

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_cipher)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_cipher)


class OrganizationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    FAMILY_FARM = "family_farm", _("Family farm")
    SOLE_TRADER = "sole_trader", _("Individual business")
    COOPERATIVE = "cooperative", _("Cooperative")


class Organization(ScopedRow):
    """组织: an enterprise, family farm, individual business or cooperative governed in the village."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "regions.Grid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("grid"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    SCOPE_PATHS = {"county": "county_id", "township": "township_id", "village": "village_id", "grid": "grid_id"}

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["village_id", "name"]

    def __str__(self):
        return self.name


class PartyBranch(ScopedRow):
    """党支部: a party branch of a village."""

    name = models.CharField(_("name"), max_length=100)
    secretary = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("secretary")
    )

    class Meta:
        verbose_name = _("party branch")
        verbose_name_plural = _("party branches")
        ordering = ["village_id", "name"]

    def __str__(self):
        return self.name


class PartyMember(ScopedRow):
    """党员: a resident's membership of a branch, with the households they are linked to (联户)."""

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="party_membership", verbose_name=_("resident")
    )
    branch = models.ForeignKey(PartyBranch, on_delete=models.PROTECT, related_name="members", verbose_name=_("branch"))
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    linked_households = models.ManyToManyField(
        Household, blank=True, related_name="linked_party_members", verbose_name=_("linked households")
    )

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")

    def __str__(self):
        return self.person.name
