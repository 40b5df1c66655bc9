"""The interface other apps build on: create_meeting, add_motion, motions_for_subject."""

import pytest

from meetings import selectors, services
from meetings.models import MeetingKind, Outcome, ReservedMatter


@pytest.mark.django_db
def test_a_representatives_meeting_decides_a_motion_about_a_subject(mw):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="修村道", subject="deliberation.topic:12")
    assert meeting.register_size == 3
    entries = list(meeting.register.all())
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=entries)
    services.motion_open(actor=mw.cadre, motion=motion)
    for entry, choice in zip(entries, ["for", "for", "against"], strict=True):
        services.vote_record_by_clerk(actor=mw.cadre, motion=motion, entry=entry, choice=choice)
    decided = services.motion_close(actor=mw.cadre, motion=motion)
    assert decided.outcome == Outcome.ADOPTED
    assert list(selectors.motions_for_subject(None, "deliberation.topic:12")) == [decided]
    assert list(selectors.motions_for_subject(mw.users["villager_a1"], "deliberation.topic:12")) == [decided]
    assert list(selectors.motions_for_subject(mw.users["cadre_b1"], "deliberation.topic:12")) == []


@pytest.mark.django_db
def test_village_rules_only_at_the_villagers_assembly(mw):
    from core.errors import DomainError

    meeting = mw.meeting(MeetingKind.REPRESENTATIVES)
    with pytest.raises(DomainError) as exc:
        services.motion_add(
            actor=mw.cadre, meeting=meeting, title="修订村规民约", reserved_matter=ReservedMatter.VILLAGE_RULES
        )
    assert "reserved_matter" in exc.value.message_dict
    assembly = mw.meeting(MeetingKind.VILLAGERS_ASSEMBLY)
    assert services.motion_add(
        actor=mw.cadre, meeting=assembly, title="修订村规民约", reserved_matter="village_rules"
    ).pk
