"""The public decisions page (no login): published decisions only, tasks with masked owners, the A4 print view,
the village rules in force; nothing personal."""

from __future__ import annotations

import pytest

from deliberation import services
from deliberation.models import Decision
from tests.deliberation.support import t

pytestmark = pytest.mark.django_db


def test_only_published_decisions_and_nothing_personal(dw, client):
    published = dw.through_publication(dw.topic(title="村道亮化"))
    unpublished = dw.topic(major=True, title="尚未决议的议题")
    decision = Decision.objects.get(topic=published)
    services.task_create(
        actor=dw.cadre, decision=decision, title="安装路灯 20 盏", owner_name="王建国", due_date=dw.due()
    )
    url = f"/public/{dw.village.code}/decisions/"
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex, nofollow"
    assert "村道亮化" in body and "尚未决议的议题" not in body
    assert "安装路灯 20 盏" in body and "王*" in body and "王建国" not in body and "cadre_a1" not in body
    detail = client.get(f"{url}{decision.pk}/")
    assert detail.status_code == 200 and "同意，分两期实施" in detail.content.decode()
    printed = client.get(f"{url}{decision.pk}/print/")
    assert printed.status_code == 200 and "A4" in printed.content.decode()
    assert client.get(f"/public/{dw.w.village_b1.code}/decisions/{decision.pk}/").status_code == 404
    assert client.get("/public/000/decisions/").status_code == 404
    assert unpublished.pk


def test_the_empty_public_pages(dw, client):
    body = client.get(f"/public/{dw.village.code}/decisions/").content.decode()
    assert t("No decision has been published yet.") in body
    rules = client.get(f"/public/{dw.village.code}/decisions/rules/").content.decode()
    assert t("No village rules have been promulgated on the platform yet.") in rules
