"""What core shows for transparency (registered with core.plugins by transparency.apps)."""

from django.utils.translation import gettext_lazy as _

from core import plugins
from core.roles import Action
from transparency.audit_labels import AuditAction


def questions_to_answer(actor) -> int:
    """Villagers' questions on the notices of the actor's villages that wait for an answer."""
    from transparency import selectors

    return selectors.open_questions(actor).count()


def village_notices_card(actor) -> plugins.Card | None:
    """A villager's home: the latest notices of their village (三务公开), newest first, each opening its page."""
    from django.urls import reverse

    from core import scope
    from transparency import selectors

    if not scope.targets(actor, "household", Action.TRANSPARENCY_VIEW):
        return None
    latest = list(selectors.visible(actor).order_by("-published_at", "-pk")[:3])
    links = [plugins.Link(n.title, reverse("transparency:detail", args=[n.pk])) for n in latest]
    return plugins.Card(
        title=_("Latest village notices"),
        template="transparency/_home_card.html",
        context={"links": links, "all": reverse("transparency:list")},
        data=[n.pk for n in latest],
    )


def register() -> None:
    plugins.register_home_card(plugins.HomeCard("village_notices", 390, village_notices_card, empty=()))
    from regions.map_views import count_layer

    plugins.register_map_layer(
        plugins.MapLayer(
            "transparency",
            _("Notices published this year (per village)"),
            600,
            count_layer("transparency.notices_published", _("%(village)s: %(count)s notices published this year")),
            shown=False,
        )
    )
    plugins.register_audit_labels(AuditAction)
    # the keys of the transparency audit events that are not fields of their target (the notice)
    plugins.register_audit_fields("transparency.", {"files": _("Attachments")})
    plugins.register_waiting(
        plugins.WaitingItem(
            "transparency.answer",
            _("Questions waiting for an answer"),
            questions_to_answer,
            "transparency:questions",
            Action.TRANSPARENCY_PUBLISH,
            order=15,
        )
    )
