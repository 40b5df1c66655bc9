"""村级自治组织: a village's committees (红白理事会, 邻里互助会, 七个好评比小组, 评选小组, 村民小组长) and who sits on
them. The registers' procedures name a committee as the party that takes a step (committees.parties)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import ScopedRow


class CommitteeKind(models.TextChoices):
    CUSTOMS_COUNCIL = "customs", _("Wedding and funeral council (红白理事会)")
    MUTUAL_AID = "mutual_aid", _("Mutual-aid association (邻里互助会)")
    INSPECTION_TEAM = "inspection", _("Seven goods inspection team (七个好评比小组)")
    HONOURS_PANEL = "honours", _("Honours panel (评选小组)")
    MORAL_COUNCIL = "moral", _("Moral council (道德评议会)")
    GROUP_LEADERS = "group_leaders", _("Village group leaders (村民小组长)")


class Post(models.TextChoices):
    CHAIR = "chair", pgettext_lazy("committee post", "Chair")
    DEPUTY = "deputy", pgettext_lazy("committee post", "Deputy chair")
    MEMBER = "member", pgettext_lazy("committee post", "Member")


class Committee(ScopedRow):
    """One committee of a village (one of each kind)."""

    kind = models.CharField(_("kind"), max_length=16, choices=CommitteeKind.choices)
    name = models.CharField(pgettext_lazy("committee", "name"), max_length=60, blank=True)
    phone = models.CharField(_("public phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["village_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["village", "kind"], name="unique_committee_per_village")]

    def __str__(self):
        return self.name or self.get_kind_display()


class MemberQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(models.Q(started_on__lte=on), models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on))


class Member(models.Model):
    """A seat on a committee from ``started_on`` until ``ended_on`` (kept when it ends: who sat when is history).
    A village group leader's seat names the group led."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="members", verbose_name=_("committee")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_seats",
        verbose_name=_("account"),
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_seats",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=8, choices=Post.choices, default=Post.MEMBER)
    group = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village group"),
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = MemberQuerySet.as_manager()

    SCOPE_PATHS = {
        "county": "committee__county_id",
        "township": "committee__township_id",
        "village": "committee__village_id",
    }

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee_id", "post", "name"]

    def __str__(self):
        return f"{self.name}（{self.get_post_display()}）"


class Sector(ScopedRow):
    """红色片区: a part of the village above its grids, led by a party member (红色片长) whose name, duties and phone
    are published with the grids (片长抓网格、格中有党员). A grid belongs to one active sector at most."""

    name = models.CharField(pgettext_lazy("sector", "name"), max_length=60)
    leader = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="sectors_led",
        verbose_name=_("sector leader (红色片长)"),
    )
    phone = models.CharField(_("public phone"), max_length=20)
    duties = models.CharField(_("duties"), max_length=300, blank=True)
    grids = models.ManyToManyField("regions.Grid", related_name="sectors", blank=True, verbose_name=_("grids"))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["village_id", "name"]
        constraints = [models.UniqueConstraint(fields=["village", "name"], name="unique_sector_name_per_village")]

    def __str__(self):
        return self.name
