"""Pages of meetings: the list (with "my meetings" for those on a register), a new meeting, a meeting (steps,
motions, votes, the voter's own sign-in and ballot on the phone), the clerk's sign-in list (search, a room of 200),
the clerk's roll-call of votes, the printable A4 minutes with results and sign-in sheet, the rosters, the
delegations and the county's notice periods. Thin: reads through meetings.selectors, writes through
meetings.services.

By topic: pages.py (list, new, edit, a meeting), voting.py (motions, sign-in, votes), bodies.py (print, rosters,
delegations, notice periods, the township's review); _common.py holds the menu and lookups they share.
"""

from __future__ import annotations

from meetings.views._common import LINKS, MANAGE, VIEW, VOTE
from meetings.views.bodies import delegation_revoke, delegations, policy, print_view, review, rosters
from meetings.views.pages import create, detail, edit, home, meeting_page
from meetings.views.voting import (
    delegation_add,
    motion_add,
    motion_close,
    motion_open,
    motion_totals,
    register,
    roll_call,
    sign_in_self,
    vote_correct,
    vote_self,
    votes_batch,
)

__all__ = [
    "LINKS",
    "MANAGE",
    "VIEW",
    "VOTE",
    "create",
    "delegation_add",
    "delegation_revoke",
    "delegations",
    "detail",
    "edit",
    "home",
    "meeting_page",
    "motion_add",
    "motion_close",
    "motion_open",
    "motion_totals",
    "policy",
    "print_view",
    "register",
    "review",
    "roll_call",
    "rosters",
    "sign_in_self",
    "vote_correct",
    "vote_self",
    "votes_batch",
]
