"""The procedure of a wedding or funeral declared to the council, declared for core.workflow (docs/customs.md).

事前申报—事中监督—事后评估 (seed 003 米易/西昌; 001 篇四 4)::

    declared ─acknowledge / advise─► registered ─supervise (on or after the day)─► supervised ─assess─► assessed
        │                                │                                                    ▲      ↺ refer (points)
        └──────── withdraw ──────────────┴──────────── assess (no one could go) ──────────────┘

The council answers within 2 working days. The assessment compares what the event came to with the limits the
village had set when it was declared (``Event.limits``) and puts the result on the household's record; a breach
goes to the points system only as a claim its review group decides (``refer``, once per event).
"""

from __future__ import annotations

import decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.fields import Choice, Decimal, Files, Integer, Text
from core.roles import Action, Role, roles_with
from core.workflow import STAY, Deadline, Flow, State, Transition
from customs import limits
from customs.people import COUNCIL, HOUSEHOLD, RECORDER

CADRES = roles_with(Action.CUSTOMS_HANDLE)
HANDLERS = (COUNCIL, *CADRES)


def _of_kind(measure):
    return lambda actor, case: case is None or case.kind in measure.kinds


def _figure_fields(prefix: str) -> tuple:
    """One optional number per measure, asked for where it applies to the event's kind."""
    return tuple(
        (Decimal if m.money else Integer)(
            f"{prefix}{m.key}",
            m.label,
            required=False,
            min=0,
            max=limits.MAX_VALUE if m.money else 100000,
            help=m.unit,
            when=_of_kind(m),
        )
        for m in limits.MEASURES
    )


def _figures(step, prefix: str) -> dict:
    kind = step.case.kind
    out = {}
    for m in limits.measures_for(kind):
        value = step.data.get(f"{prefix}{m.key}")
        if value not in (None, ""):
            out[m.key] = limits.plain(value)
    return out


def on_or_after_the_day(step):
    if timezone.localdate(step.now) < step.case.event_date:
        raise DomainError(
            _("The event is on %(day)s: this is recorded on or after that day.")
            % {"day": step.case.event_date.isoformat()}
        )


def advise(step):
    step.case.advice = step.data["advice"]
    return ["advice"]


def observe(step):
    step.case.observed = _figures(step, "seen_")
    return ["observed"]


def assess(step):
    case = step.case
    case.actual = _figures(step, "actual_")
    if not case.actual:
        raise DomainError({"actual_tables": _("Give at least one figure of what the event came to.")})
    cost = step.data.get("actual_cost")
    case.actual_cost = None if cost in (None, "") else decimal.Decimal(str(cost))
    found = limits.breaches(case.limits.values if case.limits_id else None, case.kind, case.actual)
    case.breaches = [b.__dict__ for b in found]
    case.result = "breach" if found else "within"
    case.assessed_on = timezone.localdate(step.now)
    return ["actual", "actual_cost", "breaches", "result", "assessed_on"]


def _items(actor, case):
    from customs.points_link import negative_items

    return [(i.pk, f"{i.code} {i.text}（{i.points}）") for i in negative_items(case)]


def refer(step):
    from django.core.files.base import ContentFile

    from customs.points_link import refer_to_points

    evidence = None
    if step.attachments:  # the claim keeps its own copy; the step's file stays on the timeline
        upload = step.attachments[0]
        evidence = ContentFile(upload.read(), name=upload.name)
        upload.seek(0)
    step.case.claim = refer_to_points(step.actor, step.case, step.data["item"], evidence=evidence)
    return ["claim"]


def _breach(case) -> bool:
    return case.result == "breach" and case.claim_id is None


def not_sent_yet(step):
    if not _breach(step.case):
        raise DomainError(_("Only an event assessed above the limits is sent, and only once."))


def _told(text):
    return lambda step: text % {"number": step.case.number, "kind": step.case.get_kind_display()}


CUSTOMS = Flow(
    "customs",
    label=_("Wedding or funeral (红白事)"),
    model="customs.Event",
    initial="declared",
    # the service decides who may declare for which household (the household itself, a grid worker or cadre of the
    # village on its behalf)
    start_allow=(HOUSEHOLD, Role.GRID_WORKER, *CADRES),
    start_notify=(COUNCIL,),
    start_notify_text=_told(_("New declaration %(number)s: %(kind)s")),
    view=(Action.CUSTOMS_FIGURES, Action.CUSTOMS_HANDLE),
    service="customs.services.event_step",
    page="customs.views.case_page",
    find="customs.selectors.event_for",
    detail="customs.api.event_detail",
    states=[
        State("declared", _("Declared: waiting for the council (待理事会回复)"), deadline=Deadline(working_days=2)),
        State("registered", _("Registered (已备案)")),
        State("supervised", _("Seen by the council: to be assessed (待评估)"), deadline=Deadline(working_days=5)),
        State("assessed", _("Assessed (已评估)")),
        State("withdrawn", _("Withdrawn (已撤销)")),
    ],
    transitions=[
        Transition(
            "acknowledge",
            source="declared",
            target="registered",
            label=_("Register it: within the limits (备案)"),
            allow=HANDLERS,
            notify=(HOUSEHOLD, RECORDER),
            notify_text=_told(_("The council registered %(number)s (%(kind)s)")),
        ),
        Transition(
            "advise",
            source="declared",
            target="registered",
            label=_("Register it with advice (提出简办建议)"),
            allow=HANDLERS,
            fields=(
                Text(
                    "advice",
                    _("The council's advice"),
                    max_length=1000,
                    help=_("What the plan should change to stay within the village's limits."),
                ),
            ),
            effects=(advise,),
            notify=(HOUSEHOLD, RECORDER),
            notify_text=_told(_("The council has advice on %(number)s (%(kind)s)")),
            note=False,
        ),
        Transition(
            "supervise",
            source="registered",
            target="supervised",
            label=_("Record what was seen (事中监督)"),
            allow=HANDLERS,
            fields=(
                *_figure_fields("seen_"),
                Text("seen", _("What was seen"), max_length=1000),
                Files(label=_("Photos (optional)"), required=False, max_count=9),
            ),
            guards=(on_or_after_the_day,),
            effects=(observe,),
            note=False,
        ),
        Transition(
            "assess",
            source={"registered", "supervised"},
            target="assessed",
            label=_("Assess it against the limits (事后评估)"),
            allow=HANDLERS,
            fields=(
                *_figure_fields("actual_"),
                Decimal("actual_cost", _("What it cost in all (yuan)"), required=False, min=0, max=limits.MAX_VALUE),
            ),
            guards=(on_or_after_the_day,),
            effects=(assess,),
            confirm=_("The result goes on the household's record and cannot be changed."),
            notify=(HOUSEHOLD, RECORDER),
            notify_text=_told(_("%(number)s (%(kind)s) was assessed by the council")),
        ),
        Transition(
            "refer",
            source="assessed",
            target=STAY,
            label=_("Send the breach to the points review (负面清单)"),
            allow=tuple(r for r in CADRES if r in roles_with(Action.POINTS_RECORD)),
            fields=(
                Choice("item", _("Rule book item"), options=_items),
                Files(
                    label=_("Evidence (a photo or document; required where the item asks for it)"),
                    required=False,
                    max_count=1,
                ),
            ),
            offered=_breach,
            guards=(not_sent_yet,),
            effects=(refer,),
            confirm=_("A points claim goes to the village's review group, which decides it; it is sent once."),
        ),
        Transition(
            "withdraw",
            source={"declared", "registered"},
            target="withdrawn",
            label=_("Withdraw the declaration"),
            allow=(HOUSEHOLD, RECORDER, *CADRES),
            confirm=_("The declaration ends here; a new one can be made."),
            notify=(COUNCIL,),
        ),
    ],
)
