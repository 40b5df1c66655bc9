"""The procedure of a nomination for an honour board, declared for core.workflow (docs/honours.md).

提名 → 评定 → 公示 → 上榜 (seed 003, 西昌: 组织动员党员群众对"乡村八榜"人选进行评定，按季度在"乡村八榜"上进行公示)::

    nominated ─accept (rank)─► accepted ─publish (the quarter)─► published ─confirm (after the notice)─► confirmed
        │  └─decline─► declined                                    │  ↺ dismiss (an objection)
        └─withdraw─► withdrawn                                     └─uphold (an objection)─► struck

The panel (the village's 评选小组 or its cadres) evaluates within 10 working days (flagged when late). The public
notice lasts the board's working days (``Nomination.publicity_days``); when it ends the system confirms the honour,
unless an objection waits for the panel's answer: then it is confirmed once the answer dismisses it (by the next
deadline run, or by the panel), or taken off the board when the answer upholds it.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.fields import Choice, Integer, Text
from core.roles import Action, Role
from core.workflow import STAY, SYSTEM, Deadline, Flow, State, Transition
from honours.defaults import EVALUATE_DAYS
from honours.people import NOMINATOR, PANEL

EVALUATORS = (PANEL, Role.VILLAGE_CADRE)


def _open_objections(case):
    from honours.models import Objection

    return Objection.objects.filter(nomination_id=case.pk, answered_at__isnull=True).order_by("made_at", "pk")


def _objection_options(actor, case):
    if case is None:
        return []
    return [(o.pk, f"{timezone.localtime(o.made_at):%m-%d} {o.text[:40]}") for o in _open_objections(case)]


def has_open_objection(case) -> bool:
    return _open_objections(case).exists()


def _accepted_ranks(case):
    from honours.models import Nomination

    return Nomination.objects.filter(
        board_id=case.board_id,
        village_id=case.village_id,
        year=case.year,
        quarter=case.quarter,
        state__in=("accepted", "published", "confirmed"),
    ).exclude(pk=case.pk)


def _next_rank(actor, case):
    if case is None:
        return None
    taken = set(_accepted_ranks(case).values_list("rank", flat=True))
    return next((n for n in range(1, case.board.places + 1) if n not in taken), None)


def within_places(step):
    from regions.models import Region

    case = step.case
    Region.objects.select_for_update().filter(pk=case.village_id).first()  # two evaluators at once: one at a time
    taken = _accepted_ranks(case)
    places = case.board.places
    if taken.count() >= places:
        raise DomainError(
            _("%(board)s has %(n)s places in the village this quarter, and all are taken.")
            % {"board": case.board.name, "n": places}
        )
    rank = int(step.data["rank"])
    if rank > places:
        raise DomainError({"rank": _("Give a rank from 1 to %(n)s.") % {"n": places}})
    if taken.filter(rank=rank).exists():
        raise DomainError({"rank": _("Rank %(rank)s is taken on this board this quarter.") % {"rank": rank}})


def accept(step):
    step.case.rank = int(step.data["rank"])
    score = step.data.get("score")
    step.case.score = None if score in (None, "") else int(score)
    step.case.opinion = step.data.get("opinion") or ""
    return ["rank", "score", "opinion"]


def decline(step):
    step.case.opinion = step.data["reason"]
    return ["opinion"]


def publish(step):
    step.case.published_on = timezone.localdate(step.now)
    return ["published_on"]


def _the_objection(step):
    found = _open_objections(step.case).filter(pk=step.data.get("objection")).first()
    if found is None:
        raise DomainError({"objection": _("This objection has been answered already.")})
    return found


def objection_open(step):
    _the_objection(step)


def answer(upheld: bool):
    def effect(step):
        from honours.models import Objection

        found = _the_objection(step)
        Objection.objects.filter(pk=found.pk).update(
            answer=step.data["answer"], upheld=upheld, answered_by=step.actor, answered_at=step.now
        )
        return []

    return effect


def _notice_problem(case, now) -> str:
    if case.deadline_at is not None and now < case.deadline_at:
        return _("The public notice runs until %(until)s.") % {
            "until": date_format(timezone.localtime(case.deadline_at), "Y-m-d H:i")
        }
    if has_open_objection(case):
        return _("An objection waits for the panel's answer.")
    return ""


def notice_over(step):
    problem = _notice_problem(step.case, step.now)
    if problem:
        raise DomainError(problem)


def confirm(step):
    step.case.confirmed_on = timezone.localdate(step.now)
    return ["confirmed_on"]


def _told(text):
    return lambda step: text % {"name": step.case.name, "board": step.case.board.name}


HONOUR = Flow(
    "honour",
    label=gettext_lazy("Nomination for an honour board (乡村八榜)"),
    model="honours.Nomination",
    initial="nominated",
    # the service decides who may nominate whom (a villager: someone of their village; cadres and grid workers:
    # someone of the villages they serve)
    start_allow=(NOMINATOR, Role.GRID_WORKER, Role.VILLAGE_CADRE),
    start_notify=(PANEL,),
    start_notify_text=_told(gettext_lazy("New nomination: %(name)s for %(board)s")),
    view=(Action.POINTS_VIEW,),
    service="honours.services.nomination_step",
    page="honours.views.case_page",
    find="honours.selectors.nomination_for",
    detail="honours.api.nomination_detail",
    states=[
        State(
            "nominated",
            gettext_lazy("Nominated: waiting for the panel (待评定)"),
            deadline=Deadline(working_days=EVALUATE_DAYS),
        ),
        State("accepted", gettext_lazy("Selected: to be published with the quarter (待公示)")),
        State(
            "published",
            gettext_lazy("On public notice (公示中)"),
            deadline=Deadline(field="publicity_days"),
            on_overdue="escalate:confirm",
        ),
        State("confirmed", gettext_lazy("Honoured (已上榜)")),
        State("declined", gettext_lazy("Not selected (未入选)")),
        State("withdrawn", gettext_lazy("Withdrawn by the nominator (已撤回)")),
        State("struck", gettext_lazy("Taken off after an objection (已撤榜)")),
    ],
    transitions=[
        Transition(
            "accept",
            source="nominated",
            target="accepted",
            label=gettext_lazy("Select for the board (评定入榜)"),
            allow=EVALUATORS,
            fields=(
                Integer("rank", gettext_lazy("Rank on the board"), min=1, max=99, initial=_next_rank),
                Integer("score", gettext_lazy("Score (optional)"), min=0, max=100, required=False),
                Text("opinion", gettext_lazy("The panel's opinion"), max_length=500, required=False),
            ),
            guards=(within_places,),
            effects=(accept,),
            notify=(NOMINATOR,),
            notify_text=_told(gettext_lazy("%(name)s was selected for %(board)s")),
            note=False,
            queue="panel",
        ),
        Transition(
            "decline",
            source="nominated",
            target="declined",
            label=gettext_lazy("Not selected (不予入选)"),
            allow=EVALUATORS,
            fields=(Text("reason", gettext_lazy("Why it is not selected"), max_length=500),),
            effects=(decline,),
            confirm=gettext_lazy("The nomination ends here; the person may be nominated again later."),
            notify=(NOMINATOR,),
            notify_text=_told(gettext_lazy("%(name)s was not selected for %(board)s")),
            note=False,
            queue="panel",
        ),
        Transition(
            "withdraw",
            source="nominated",
            target="withdrawn",
            label=gettext_lazy("Withdraw the nomination"),
            allow=(NOMINATOR,),
            confirm=gettext_lazy("The nomination ends here."),
            notify=(PANEL,),
        ),
        Transition(
            "publish",
            source="accepted",
            target="published",
            label=gettext_lazy("Publish on the board for public notice (公示)"),
            allow=EVALUATORS,
            effects=(publish,),
            confirm=gettext_lazy("The honouree and the deeds are shown on the village's public board."),
            notify=(NOMINATOR,),
            notify_text=_told(gettext_lazy("%(name)s is on public notice for %(board)s")),
            queue="panel",
        ),
        Transition(
            "dismiss",
            source="published",
            target=STAY,
            label=gettext_lazy("Answer an objection: dismissed (异议不成立)"),
            allow=EVALUATORS,
            fields=(
                Choice("objection", gettext_lazy("Objection"), options=_objection_options),
                Text("answer", gettext_lazy("The panel's answer"), max_length=1000),
            ),
            offered=has_open_objection,
            guards=(objection_open,),
            effects=(answer(False),),
            note=False,
            queue="panel",
        ),
        Transition(
            "uphold",
            source="published",
            target="struck",
            label=gettext_lazy("Answer an objection: upheld, take off the board (异议成立)"),
            allow=EVALUATORS,
            fields=(
                Choice("objection", gettext_lazy("Objection"), options=_objection_options),
                Text("answer", gettext_lazy("The panel's answer"), max_length=1000),
            ),
            offered=has_open_objection,
            guards=(objection_open,),
            effects=(answer(True),),
            confirm=gettext_lazy("The honour is taken off the board for good."),
            notify=(NOMINATOR,),
            notify_text=_told(gettext_lazy("%(name)s was taken off %(board)s after an objection")),
            note=False,
            queue="panel",
        ),
        Transition(
            "confirm",
            source="published",
            target="confirmed",
            label=gettext_lazy("Confirm the honour (公示期满，确认上榜)"),
            allow=(*EVALUATORS, SYSTEM),
            guards=(notice_over,),
            effects=(confirm,),
            waiting=_notice_problem,
            notify=(NOMINATOR,),
            notify_text=_told(gettext_lazy("%(name)s is on %(board)s")),
            queue="panel",
        ),
    ],
)
