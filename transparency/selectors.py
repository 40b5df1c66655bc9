"""Reads of 三务公开, always limited to what the actor may see.

- Village cadres (publish), reviewers (check), township and county officials (supervise) and county
  administrators see every notice of the villages in their scope, drafts included.
- Villagers and grid workers see the published notices of their own village (and the archive of ended ones).
- The public (no login) sees published notices inside their posting window and the archive: ``public_*``.

A household- or grid-level grant (villager, grid worker) reaches the village it lies in; ``core.scope`` alone
would not, because a notice belongs to the whole village.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from core import scope
from core.errors import NotFound
from core.roles import Action, Role
from regions import selectors as region_selectors
from regions.models import Region, RegionLevel
from transparency.flows import PUBLIC_STATES, STAFF_ACTIONS
from transparency.models import Notice, NoticeAttachment, NoticeQuestion


def _staff_q(actor, prefix: str = "") -> Q:
    q = Q(pk__in=[])
    for action in STAFF_ACTIONS:
        q |= scope.place_q(actor, action, prefix)
    return q


def is_staff(actor) -> bool:
    return any(scope.can(actor, a) for a in STAFF_ACTIONS)


def _base() -> QuerySet:
    return Notice.objects.select_related("village", "township", "author")


def visible(actor) -> QuerySet:
    """Every notice the actor may see."""
    posted = on_record() & Q(posted_from__lte=timezone.localdate())
    q = _staff_q(actor) | (scope.place_q(actor, Action.TRANSPARENCY_VIEW) & posted)
    return _base().filter(q)


def get(actor, pk) -> Notice:
    found = visible(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def search(actor, *, stream: str = "", state: str = "", village=None, year: int | None = None, text: str = ""):
    qs = visible(actor)
    if stream:
        qs = qs.filter(stream=stream)
    if state:
        qs = qs.filter(state=state)
    if village:
        qs = qs.filter(village_id=getattr(village, "pk", village))
    if year:
        qs = qs.filter(period_start__lte=date(year, 12, 31), period_end__gte=date(year, 1, 1))
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(category__icontains=text))
    return qs.annotate(
        open_questions=Count("questions", filter=Q(questions__state="asked")),
        question_count=Count("questions"),
    ).order_by("-period_start", "-pk")


def check_queue(actor) -> QuerySet:
    """民主理财: the financial notices waiting for the actor's check (submitted in the villages they review)."""
    return (
        _base()
        .filter(scope.place_q(actor, Action.TRANSPARENCY_CHECK), state="submitted")
        .order_by("state_entered_at", "pk")
    )


def attachments(notice: Notice) -> list[NoticeAttachment]:
    return list(notice.attachments.order_by("pk"))


def attachment(actor, pk) -> NoticeAttachment:
    found = NoticeAttachment.objects.select_related("notice").filter(pk=pk).first()
    if found is None or not visible(actor).filter(pk=found.notice_id).exists():
        raise NotFound()
    return found


# -- questions ------------------------------------------------------------------------------------------------


def questions(notice: Notice) -> list[NoticeQuestion]:
    return list(notice.questions.select_related("answered_by").order_by("asked_at", "pk"))


def open_questions(actor, *, action: str = Action.TRANSPARENCY_PUBLISH) -> QuerySet:
    """Questions waiting for an answer in the villages where the actor answers (or supervises), earliest deadline
    first."""
    return (
        NoticeQuestion.objects.filter(scope.place_q(actor, action), state="asked")
        .select_related("notice", "village")
        .order_by("deadline_at", "pk")
    )


def overdue_questions(actor, *, now=None) -> QuerySet:
    """督办: unanswered questions past their deadline in the villages the actor supervises."""
    now = now or timezone.now()
    return open_questions(actor, action=Action.TRANSPARENCY_SUPERVISE).filter(deadline_at__lt=now)


def asker_household(actor, village_id: int):
    """The villager's own household in this village (on whose behalf they ask), or None."""
    from registry.models import Household

    ids = scope.targets(actor, "household", role=Role.VILLAGER)
    if not ids or village_id is None:
        return None
    return Household.objects.filter(pk__in=ids, village_id=village_id).order_by("pk").first()


def my_questions(actor) -> QuerySet:
    return NoticeQuestion.objects.filter(asker=actor).select_related("notice").order_by("-asked_at", "-pk")


# -- the calendar and the county's rules ------------------------------------------------------------------------

CALENDAR_ACTIONS = (Action.TRANSPARENCY_PUBLISH, Action.TRANSPARENCY_CHECK, Action.TRANSPARENCY_SUPERVISE)


def calendar_villages(actor) -> list[Region]:
    """The villages whose disclosure calendar the actor may see: where they write, check or supervise."""
    ids = set()
    for action in CALENDAR_ACTIONS:
        ids |= set(region_selectors.villages(actor, action).values_list("pk", flat=True))
    return list(Region.objects.filter(pk__in=ids).select_related("township").order_by("code"))


def policy_counties(actor) -> list[Region]:
    """The counties whose disclosure rules the actor sets."""
    ids = scope.targets(actor, "county")
    return [
        c
        for c in Region.objects.filter(pk__in=ids, level=RegionLevel.COUNTY).order_by("code")
        if scope.region_in_scope(actor, Action.TRANSPARENCY_POLICY, c)
    ]


# -- the public page (no login) -------------------------------------------------------------------------------


def on_record() -> Q:
    """Notices that stay public once posted: published and ended ones, and those withdrawn because a published
    correction superseded them (shown marked, with a link to the correction); never drafts or other withdrawals."""
    return Q(state__in=PUBLIC_STATES) | Q(state="withdrawn", superseded_by__isnull=False)


def public_board(code: str) -> Region:
    """The village of a public page with ``board_version``, in one query: its name and the sums of the ``version``
    of its notices and of its questions. A case's version grows by one with every step, in the step's own
    transaction, and rows are never deleted, so the sums change with every publication, withdrawal, supersession,
    end of window and answer, whatever the clocks say (the latest state timestamp, used before, misses a step
    stamped earlier than the one before it: a server whose clock was set back, a step taken with an explicit
    time). The public pages are kept under it (transparency.public_views)."""
    per_village = {"village_id": OuterRef("pk")}
    notices = Notice.objects.filter(**per_village).order_by().values("village_id")
    questions = NoticeQuestion.objects.filter(**per_village).order_by().values("village_id")
    village = (
        Region.objects.filter(code=code, level=RegionLevel.VILLAGE)
        .select_related("township", "county")
        .annotate(
            notice_steps=Subquery(notices.annotate(n=Sum("version")).values("n")),
            question_steps=Subquery(questions.annotate(n=Sum("version")).values("n")),
        )
        .first()
    )
    if village is None:
        raise NotFound()
    village.board_version = f"{village.name}:{village.notice_steps or 0}:{village.question_steps or 0}"
    return village


def _public_base(village: Region, today: date) -> QuerySet:
    """Notices on the record (``on_record``) already posted (posted_from reached); never drafts or withdrawn ones."""
    return (
        Notice.objects.filter(on_record(), village=village, posted_from__lte=today)
        .select_related("superseded_by", "corrects")
        .prefetch_related(
            Prefetch("attachments", queryset=NoticeAttachment.objects.order_by("pk")),
            Prefetch(
                "questions", queryset=NoticeQuestion.objects.filter(state="answered").order_by("answered_at", "pk")
            ),
        )
    )


def public_current(village: Region, today: date | None = None) -> list[Notice]:
    """The notice board now: published notices inside their posting window, major matters first."""
    today = today or timezone.localdate()
    return list(
        _public_base(village, today)
        .filter(state="published", posted_until__gte=today)
        .order_by("-is_major", "-posted_from", "-pk")
    )


def public_archive(village: Region, today: date | None = None) -> QuerySet:
    """Every notice that has been on the board and is no longer (ended, published with its window over, or
    superseded by a correction)."""
    today = today or timezone.localdate()
    return (
        Notice.objects.filter(on_record(), village=village, posted_from__lte=today)
        .filter(Q(state="ended") | Q(posted_until__lt=today) | Q(superseded_by__isnull=False))
        .select_related("superseded_by")
        .order_by("-period_start", "stream", "-pk")
    )


def public_notice(village: Region, pk, today: date | None = None) -> Notice:
    today = today or timezone.localdate()
    found = _public_base(village, today).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def public_attachment(village: Region, notice_pk, pk, today: date | None = None) -> NoticeAttachment:
    notice = public_notice(village, notice_pk, today)
    found = NoticeAttachment.objects.filter(pk=pk, notice=notice).first()
    if found is None:
        raise NotFound()
    return found
