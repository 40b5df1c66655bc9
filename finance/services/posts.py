"""Posts of the signing chain (岗位) held by accounts in a village."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.roles import Action
from finance.models import (
    Post,
    PostAssignment,
)
from finance.services.common import (
    _village,
)
from regions.models import Region

# -- posts ----------------------------------------------------------------------------------------------------


def _may_hold(user, village: Region) -> bool:
    ids = village.ancestor_ids()
    return any(g.level in scope.REGION_LEVELS and ids.get(g.level) == g.target_id for g in scope.grants(user))


def post_assign(*, actor, village: Region, post: str, user) -> PostAssignment:
    """Give a person a post of the signing chain in a village (a person may hold several posts)."""
    village = _village(actor, village, Action.FINANCE_CONFIGURE)
    if post not in Post.values:
        raise DomainError({"post": _("Choose a post.")})
    if user is None or not getattr(user, "is_active", False):
        raise DomainError({"user": _("Choose a person.")})
    if not _may_hold(user, village):
        raise DomainError(
            {"user": _("%(name)s has no role in this village or its township or county.") % {"name": user}}
        )
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=village.pk).first()
        if PostAssignment.objects.filter(village=village, post=post, user=user, ended_at__isnull=True).exists():
            raise DomainError({"user": _("%(name)s already holds this post here.") % {"name": user}})
        row = PostAssignment(post=post, user=user, assigned_by=actor)
        row.place_in(village)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise DomainError({"user": _("%(name)s already holds this post here.") % {"name": user}}) from None
        audit.record(actor, "finance.post.assign", row, after={"post": post, "user": user.pk, "village": village.pk})
    return row


def post_end(*, actor, assignment: PostAssignment) -> PostAssignment:
    """End a post holding (kept for the record; signatures already given stay)."""
    with transaction.atomic():
        locked = PostAssignment.objects.select_for_update().filter(pk=getattr(assignment, "pk", assignment)).first()
        if locked is None or not scope.region_in_scope(actor, Action.FINANCE_CONFIGURE, locked.village):
            raise NotFound()
        if locked.ended_at is not None:
            raise DomainError(_("This post holding has already ended."))
        locked.ended_at, locked.ended_by = timezone.now(), actor
        locked.save(update_fields=["ended_at", "ended_by"])
        audit.record(actor, "finance.post.end", locked, before={"post": locked.post, "user": locked.user_id})
    return locked
