"""The appeal procedure (积分复议, SPEC §3) declared for core.workflow (docs/workflow.md §7, docs/points.md)::

    pending (under investigation; the review group answers within the county's working days, default 10)
        ─uphold─►   upheld       the entry stands
        ─overturn─► overturned   a correction entry reverses it in the ledger (append-only, as any correction)

The household files (``points.services.appeal_file`` opens the case); the review group (评议小组 / 村务监督委员会,
and the village cadres, who review points too) decides with its finding, once and for good (``confirm``); the
household is told (``notify``). An appeal not decided in time is flagged by ``run_deadlines`` and listed on the
appeals board (/points/appeals/) and on the points home page of whoever supervises the village.

Claims, redemptions and meeting scores do not run on the engine: docs/decisions/0004-what-runs-on-the-engine.md.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit
from core.errors import DomainError
from core.fields import Choice, note_field
from core.roles import Action, Role, roles_with
from core.workflow import Deadline, Flow, Party, Pick, State, Transition
from points.models import DEFAULT_APPEAL_ANSWER_DAYS, AppealStatus, LedgerEntry

FILERS = roles_with(Action.POINTS_APPEAL)  # the household's accounts (villagers)
REVIEW_GROUP = roles_with(Action.POINTS_REVIEW)  # who reviews points: the review group and the village cadres


def household_people(case) -> list[int]:
    """Who is told of the decision: whoever filed and every account of the household."""
    from accounts.selectors import household_side

    return household_side(case.filed_by_id, case.household_id)


HOUSEHOLD = Party(gettext_lazy("the household"), lambda actor, case: False, people=household_people)

# the case carries its working days (copied from the county's setting when it is filed)
ANSWER = Deadline(field="answer_days", working_days=DEFAULT_APPEAL_ANSWER_DAYS)

FINDING = note_field(gettext_lazy("What the investigation found"), required=True)
DECISIONS = [
    ("uphold", gettext_lazy("Uphold the entry")),
    ("overturn", gettext_lazy("Overturn the entry")),
]
FINAL = gettext_lazy(
    "The decision is final: the household is told at once, and an overturned entry is reversed in the ledger."
)


def _not_corrected(step) -> None:
    """Guard of "overturn": an entry is reversed once (a correction may have been recorded meanwhile)."""
    if LedgerEntry.objects.filter(reverses_id=step.case.entry_id).exists():
        raise DomainError(_("This entry has already been corrected."))


def _decision(outcome: str):
    """Effect of a deciding step: an overturned entry gets its reversing entry (points.services.entry_reverse,
    dated the day of the decision, or the first open day after a signed-off quarter, by the person deciding); the
    decision is written on the case."""

    def decide(step):
        from points.services import entry_reverse

        appeal = step.case
        if outcome == AppealStatus.OVERTURNED:
            entry_reverse(
                actor=step.actor,
                entry=appeal.entry,
                reason=_("Appeal overturned: %(note)s") % {"note": step.note},
                now=step.now,
            )
        appeal.status, appeal.decided_by, appeal.decided_at = outcome, step.actor, step.now
        appeal.decision_note = step.note
        audit.record(
            step.actor,
            "points.appeal.decide",
            appeal,
            region=appeal.entry.scheme,
            after={"status": outcome, "note": step.note},
        )
        return ["status", "decided_by", "decided_at", "decision_note"]

    decide.__name__ = f"decide_{outcome}"
    return decide


def _told(step) -> str:
    return _("Your points appeal is decided: %(decision)s (%(entry)s).") % {
        "decision": AppealStatus(step.transition.target).label,
        "entry": str(step.case),
    }


def _to_the_board(case) -> str:
    return reverse("points:appeal_list")


_DECIDING = {
    "source": AppealStatus.PENDING,
    "allow": REVIEW_GROUP,
    "confirm": FINAL,
    "done_text": gettext_lazy("Appeal decided."),
    "done_url": _to_the_board,
}

APPEAL = Flow(
    "points_appeal",
    label=gettext_lazy("Points appeal (复议)"),
    model="points.Appeal",
    initial=AppealStatus.PENDING,
    start_allow=FILERS,
    view=(Action.POINTS_VIEW,),
    start_notify=(Role.REVIEWER,),
    start_notify_text=gettext_lazy("New points appeal to investigate: %(case)s"),
    page="points.views.appeal_page",
    detail="points.api.appeal_facts",
    find="points.selectors.find_appeal",
    states=[
        State(AppealStatus.PENDING, AppealStatus.PENDING.label, deadline=ANSWER),
        State(AppealStatus.UPHELD, AppealStatus.UPHELD.label),
        State(AppealStatus.OVERTURNED, AppealStatus.OVERTURNED.label),
    ],
    transitions=[
        Transition(
            "uphold",
            target=AppealStatus.UPHELD,
            label=DECISIONS[0][1],
            fields=(FINDING,),
            effects=(_decision(AppealStatus.UPHELD),),
            notify=(HOUSEHOLD,),
            notify_text=_told,
            message="points.appeal_decided",
            **_DECIDING,
        ),
        Transition(
            "overturn",
            target=AppealStatus.OVERTURNED,
            label=DECISIONS[1][1],
            fields=(FINDING,),
            guards=(_not_corrected,),
            effects=(_decision(AppealStatus.OVERTURNED),),
            notify=(HOUSEHOLD,),
            notify_text=_told,
            message="points.appeal_decided",
            **_DECIDING,
        ),
        # the review group's one form on the appeal's page: the decision names the step taken
        Transition(
            "decide",
            target=AppealStatus.UPHELD,
            label=gettext_lazy("Decide"),
            fields=(Choice("decision", gettext_lazy("Decision"), options=DECISIONS, radio=True), FINDING),
            pick=Pick("decision", {"uphold": "uphold", "overturn": "overturn"}),
            **_DECIDING,
        ),
    ],
)
