"""Delegations (Art. 24) made by an adopted motion of the villagers' assembly, and their revocation."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError
from meetings import rules
from meetings.models import Delegation, MeetingKind, Outcome
from meetings.services._common import MAX_DELEGATION_DAYS, _day, _lock
from meetings.services.motions import _lock_motion

# -- delegations ----------------------------------------------------------------------------------------------


def delegation_create(*, actor, motion, matter, valid_from, valid_until) -> Delegation:
    """Record the delegation an adopted motion of the 村民会议 (or the collective members' assembly) made."""
    valid_from = _day(valid_from, "valid_from")
    valid_until = _day(valid_until, "valid_until")
    with transaction.atomic():
        meeting, locked = _lock_motion(actor, motion)
        to_kind = rules.DELEGATES_TO.get(meeting.kind)
        if to_kind is None:
            raise DomainError(
                _("Only the villagers' assembly (or the collective members' assembly) can delegate a reserved matter.")
            )
        if locked.outcome != Outcome.ADOPTED:
            raise DomainError(_("A delegation is made by an adopted motion; this one was not adopted."))
        if matter == rules.ReservedMatter.VILLAGE_RULES:
            raise DomainError({"matter": _("The village rules cannot be delegated (Art. 27).")})
        allowed = rules.ART24 if meeting.kind == MeetingKind.VILLAGERS_ASSEMBLY else rules.COLLECTIVE_MATTERS
        if matter not in allowed:
            raise DomainError({"matter": _("Choose a matter this assembly may delegate.")})
        if valid_until < valid_from:
            raise DomainError({"valid_until": _("The delegation ends before it starts.")})
        if (valid_until - valid_from).days > MAX_DELEGATION_DAYS:
            raise DomainError({"valid_until": _("A delegation lasts at most five years (the committee's term).")})
        if Delegation.objects.filter(granted_by=locked, matter=matter).exists():
            raise DomainError({"matter": _("This motion's delegation of this matter is already recorded.")})
        delegation = Delegation(
            matter=matter,
            to_kind=to_kind,
            granted_by=locked,
            valid_from=valid_from,
            valid_until=valid_until,
            created_by=actor,
        )
        delegation.place_in(meeting.village)
        delegation.save()
        audit.record(
            actor,
            "meetings.delegation.create",
            delegation,
            after=audit.snapshot(delegation, ["matter", "to_kind", "granted_by", "valid_from", "valid_until"]),
        )
    return delegation


def delegation_revoke(*, actor, delegation) -> Delegation:
    with transaction.atomic():
        locked = _lock(actor, delegation, model=Delegation)
        if locked.revoked_at:
            raise DomainError(_("This delegation is already revoked."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(actor, "meetings.delegation.revoke", locked, after={"revoked_at": locked.revoked_at.isoformat()})
    return locked
