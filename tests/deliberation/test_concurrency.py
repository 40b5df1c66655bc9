"""At the same moment, on separate PostgreSQL connections: one household's signature of the village rules recorded
twice (phone and paper), one household's co-signature twice, and one poll answered by the same household twice —
exactly one row each, the other told why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from deliberation import services
from deliberation.models import CoSignature, PollAnswer, RulesSignature, RulesVersion, Topic
from tests.concurrency import race

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_a_household_signs_the_rules_once(dw):
    rules = services.rules_create(actor=dw.cadre, village=dw.village, title="村规民约", text="一、爱护环境。")
    services.rules_step(actor=dw.cadre, rules=rules, step="draft", note="x")
    services.rules_step(actor=dw.cadre, rules=rules, step="submit")
    services.rules_step(actor=dw.users["township_a"], rules=rules, step="approve")
    dw.adopt_rules(rules)
    services.rules_step(actor=dw.cadre, rules=rules, step="adopt")
    household = dw.w.households["a1"]
    ok, refused, crashed = race(
        [
            lambda: services.rules_sign(actor=dw.users["villager_a1"], rules=RulesVersion.objects.get(pk=rules.pk)),
            lambda: services.rules_record_paper(
                actor=dw.cadre,
                rules=RulesVersion.objects.get(pk=rules.pk),
                household=household.pk,
                signer_name="王建国",
                signed_on=timezone.localdate(),
            ),
        ]
    )
    assert not crashed and len(ok) == 1 and len(refused) == 1
    assert RulesSignature.objects.filter(rules=rules, household=household).count() == 1


def test_a_household_cosigns_and_answers_once(dw):
    services.list_settings(actor=dw.cadre, village=dw.village, co_sign_min=3)
    topic = dw.topic(by="villager_x0", origin="")
    user = dw.users["villager_x2"]
    ok, refused, crashed = race(
        [lambda: services.topic_cosign(actor=user, topic=Topic.objects.get(pk=topic.pk)) for _ in range(3)]
    )
    assert not crashed and len(ok) == 1 and len(refused) == 2
    assert CoSignature.objects.filter(topic=topic).count() == 2
    poll = services.poll_open(
        actor=dw.cadre,
        topic=topic,
        question="同意吗？",
        options=["同意", "不同意"],
        closes_at=timezone.now() + timedelta(days=1),
    )
    ok, refused, crashed = race(
        [lambda i=i: services.poll_answer(actor=user, poll=poll, option=i % 2) for i in range(4)]
    )
    assert not crashed and len(ok) == 4
    assert PollAnswer.objects.filter(poll=poll).count() == 1
