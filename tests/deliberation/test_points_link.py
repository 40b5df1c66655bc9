"""A points rule book adopted by a deliberation decision: naming the decision's number in decision_ref links it
(points.RuleBook.decision), a number of another village or of no decision is refused, free text links nothing; the
rule book page links to the decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import DomainError
from deliberation import services
from deliberation.models import Decision
from points import services as points
from points.models import RuleBook

pytestmark = pytest.mark.django_db


def _draft(dw, village=None, by="cadre_a1"):
    actor = dw.users[by]
    scheme = points.scheme_create(
        actor=actor,
        village=village or dw.village,
        name="文明户积分",
        kind="civility",
        subject_kind="household",
    )
    return points.rulebook_create(
        actor=actor,
        scheme=scheme,
        title="积分细则",
        template="anjia",
        effective_from=timezone.localdate() + timedelta(days=1),
    )


def test_naming_the_decision_links_it(dw, login):
    topic = dw.through_resolution(dw.topic(major=True, title="修订积分细则"))
    decision = Decision.objects.get(topic=topic)
    book = _draft(dw)
    points.rulebook_adopt(actor=dw.cadre, rulebook=book, decision_ref=f"{decision.number} 村民代表会议")
    book.refresh_from_db()
    assert book.decision == decision and book.is_adopted
    page = login(dw.cadre).get(f"/points/rulebooks/{book.pk}/").content.decode()
    assert f"/deliberation/topics/{topic.pk}/" in page


def test_a_wrong_number_is_refused_and_free_text_links_nothing(dw):
    book = _draft(dw)
    with pytest.raises(DomainError) as exc:
        points.rulebook_adopt(actor=dw.cadre, rulebook=book, decision_ref="JY2026-9999")
    assert "decision_ref" in exc.value.message_dict
    book.refresh_from_db()
    assert not book.is_adopted
    # a decision of another village
    cadre_b1 = dw.users["cadre_b1"]
    other = services.topic_propose(
        actor=cadre_b1,
        village=dw.w.village_b1,
        entry=dw.entry("人居环境整治、移风易俗", village=dw.w.village_b1),
        title="外村议题",
        text="x",
        origin="branch",
    )
    services.topic_step(actor=cadre_b1, topic=other, step="confirm")
    services.topic_step(actor=cadre_b1, topic=other, step="vet", note="x")
    services.topic_step(actor=cadre_b1, topic=other, step="deliberate", data={"outcome": "同意"})
    foreign = Decision.objects.get(topic=other)
    with pytest.raises(DomainError) as exc:
        points.rulebook_adopt(actor=dw.cadre, rulebook=book, decision_ref=foreign.number)
    assert "decision_ref" in exc.value.message_dict
    points.rulebook_adopt(actor=dw.cadre, rulebook=book, decision_ref="村民代表会议 2026年1月5日 决议第1号")
    assert RuleBook.objects.get(pk=book.pk).decision is None
