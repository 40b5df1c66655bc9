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

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from core import scope
from core.errors import NotFound
from core.roles import ROLE_ACTIONS, Action, Role
from regions.models import Region, RegionLevel
from transparency.flows import PUBLIC_STATES
from transparency.models import Notice, NoticeAttachment, NoticeQuestion

STAFF_ACTIONS = (
    Action.TRANSPARENCY_PUBLISH,
    Action.TRANSPARENCY_CHECK,
    Action.TRANSPARENCY_SUPERVISE,
    Action.TRANSPARENCY_POLICY,
)


def region_q(actor, action: str, prefix: str = "") -> Q:
    """Rows whose village lies in a region where one of the actor's roles allows ``action``; a household or grid
    grant counts for its village."""
    q = Q(pk__in=[])
    for g in scope.grants(actor):
        if action not in ROLE_ACTIONS.get(g.role, ()):
            continue
        if g.level in ("county", "township", "village"):
            q |= Q(**{f"{prefix}{g.level}_id": g.target_id})
        elif g.village_id is not None:  # household, grid, group
            q |= Q(**{f"{prefix}village_id": g.village_id})
    return q


def _staff_q(actor, prefix: str = "") -> Q:
    q = Q(pk__in=[])
    for action in STAFF_ACTIONS:
        q |= region_q(actor, action, prefix)
    return q


def is_staff(actor) -> bool:
    return any(scope.can(actor, a) for a in STAFF_ACTIONS)


def _base() -> QuerySet:
    return Notice.objects.select_related("village", "township", "author")


def visible(actor) -> QuerySet:
    """Every notice the actor may see."""
    posted = Q(state__in=PUBLIC_STATES, posted_from__lte=timezone.localdate())
    q = _staff_q(actor) | (region_q(actor, Action.TRANSPARENCY_VIEW) & posted)
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
        _base().filter(region_q(actor, Action.TRANSPARENCY_CHECK), state="submitted").order_by("state_entered_at", "pk")
    )


def villages(actor, action: str) -> QuerySet:
    """The villages where the actor may take ``action`` (for choosers)."""
    return (
        Region.objects.filter(_village_region_q(actor, action), level=RegionLevel.VILLAGE)
        .select_related("township")
        .order_by("code")
    )


def _village_region_q(actor, action: str) -> Q:
    """Like ``region_q`` for Region rows themselves (a village carries itself as its village)."""
    q = Q(pk__in=[])
    for g in scope.grants(actor):
        if action not in ROLE_ACTIONS.get(g.role, ()):
            continue
        if g.level == "county":
            q |= Q(county_id=g.target_id)
        elif g.level == "township":
            q |= Q(township_id=g.target_id)
        elif g.level == "village":
            q |= Q(pk=g.target_id)
        elif g.village_id is not None:
            q |= Q(pk=g.village_id)
    return q


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
        NoticeQuestion.objects.filter(region_q(actor, action), state="asked")
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

    ids = [g.target_id for g in scope.grants(actor) if g.role == Role.VILLAGER and g.level == "household"]
    if not ids or village_id is None:
        return None
    return Household.objects.filter(pk__in=ids, village_id=village_id).order_by("pk").first()


def my_questions(actor) -> QuerySet:
    return NoticeQuestion.objects.filter(asker=actor).select_related("notice").order_by("-asked_at", "-pk")


# -- the public page (no login) -------------------------------------------------------------------------------


def public_village(code: str) -> Region:
    """The village of a public page, with what its public pages show summed up in ``board_version``: the number of
    its notices, the latest change of state of any of them (publishing, withdrawing and ending each set
    ``state_entered_at``; a published notice's text and files cannot change) and the latest answer to a question.
    The public pages are cached under it (transparency.public_views), in the same query as the village."""
    per_village = {"village_id": OuterRef("pk")}
    notices = Notice.objects.filter(**per_village).order_by().values("village_id")
    answers = NoticeQuestion.objects.filter(**per_village, state="answered").order_by().values("village_id")
    village = (
        Region.objects.filter(code=code, level=RegionLevel.VILLAGE)
        .select_related("township", "county")
        .annotate(
            notice_count=Subquery(notices.annotate(n=Count("id")).values("n")),
            notice_moved=Subquery(notices.annotate(m=Max("state_entered_at")).values("m")),
            last_answer=Subquery(answers.annotate(m=Max("answered_at")).values("m")),
        )
        .first()
    )
    if village is None:
        raise NotFound()
    village.board_version = ":".join(
        str(part or "") for part in (village.name, village.notice_count, village.notice_moved, village.last_answer)
    )
    return village


def _public_base(village: Region, today: date) -> QuerySet:
    """Published notices already posted (posted_from reached) and ended ones; never drafts or withdrawn ones."""
    return Notice.objects.filter(village=village, state__in=PUBLIC_STATES, posted_from__lte=today).prefetch_related(
        Prefetch("attachments", queryset=NoticeAttachment.objects.order_by("pk")),
        Prefetch("questions", queryset=NoticeQuestion.objects.filter(state="answered").order_by("answered_at", "pk")),
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
    """Every notice that has been on the board and is no longer (ended, or published with its window over)."""
    today = today or timezone.localdate()
    return (
        Notice.objects.filter(village=village, state__in=PUBLIC_STATES, posted_from__lte=today)
        .filter(Q(state="ended") | Q(posted_until__lt=today))
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
