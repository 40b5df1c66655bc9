"""The county's notice periods per kind of meeting (meetings.MeetingPolicy), read by the notice rule."""

from __future__ import annotations


def overrides_for(county_id) -> dict:
    from meetings.models import MeetingPolicy

    row = MeetingPolicy.objects.filter(county_id=county_id).only("notice_days").first()
    return dict(row.notice_days) if row else {}
