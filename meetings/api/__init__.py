"""Meetings API (/api/meetings): meetings (list, mine, detail, create), the register and sign-in (clerk or one's
own), motions (add, put to the vote, votes, close, show-of-hands totals), delegations, rosters, decided motions by
subject, and the rules per kind. The meeting's steps (notice, open, close, minutes, cancel), declared in
meetings/flows.py, are taken at /api/casework/cases/meeting/{id}/steps/{step}; ``case_detail`` adds the
meeting's facts to that answer.

Same selectors and services as the pages: a meeting outside the caller's scope is 404; a refused write answers
422 with the Chinese message and changes nothing. One router (``_common.router``, which keeps the operation ids the
API had as one module); the modules by topic register their operations on it when this package is imported:
meetings.py, motions.py, standing.py.
"""

from __future__ import annotations

from meetings.api import motions, standing
from meetings.api._common import router
from meetings.api.meetings import case_detail

__all__ = ["case_detail", "motions", "router", "standing"]
