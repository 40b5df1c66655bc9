"""Test data for 三务公开: the world of tests/factories.py, a villager of 新桥村 (b1), files and notices."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.roles import Role
from registry.models import Person
from tests.factories import World, build_world, make_user
from transparency import services
from transparency.models import Notice, Stream

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "收支明细.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def image(name: str = "公开栏.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (200, 120), (30, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def not_a_document(name: str = "账目.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 this is a program", content_type="application/pdf")


def last_month(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def notice_data(**over) -> dict:
    start, end = last_month()
    data = {
        "stream": Stream.VILLAGE,
        "category": "工程项目",
        "title": "村道硬化工程进展公开",
        "body": "村道硬化工程已完成 1.2 公里，投资 36 万元，由县交通局验收。",
        "period_start": start,
        "period_end": end,
    }
    data.update(over)
    return data


@dataclass
class TransparencyWorld:
    w: World

    @property
    def users(self):
        return self.w.users

    def draft(self, village=None, by="cadre_a1", **over) -> Notice:
        return services.notice_create(actor=self.users[by], village=village or self.w.village_a1, **notice_data(**over))

    def published(self, village=None, by="cadre_a1", days=5, **over) -> Notice:
        notice = self.draft(village=village, by=by, **over)
        if notice.stream == Stream.FINANCE:
            services.notice_step(actor=self.users[by], notice=notice, step="submit")
            reviewer = "reviewer_a1" if notice.village_id == self.w.village_a1.pk else None
            services.notice_step(actor=self.users[reviewer], notice=notice, step="check")
        today = timezone.localdate()
        services.notice_step(
            actor=self.users[by],
            notice=notice,
            step="publish",
            data={"posted_from": today, "posted_until": today + timedelta(days=days)},
        )
        notice.refresh_from_db()
        return notice


def build_transparency_world() -> TransparencyWorld:
    w = build_world()
    w.users["villager_b1"] = make_user("villager_b1", Role.VILLAGER, w.village_b1, household=w.households["b1"])
    w.users["cadre_a2"] = make_user("cadre_a2", Role.VILLAGE_CADRE, w.village_a2)
    w.users["township_b"] = make_user("township_b", Role.TOWNSHIP_OFFICIAL, w.township_b)
    # the villagers' accounts belong to their household heads (王建国, 陈志强), whose names the pages must mask
    Person.objects.filter(pk=w.people["a1_head"].pk).update(user=w.users["villager_a1"])
    Person.objects.filter(pk=w.people["b1_head"].pk).update(user=w.users["villager_b1"])
    return TransparencyWorld(w)
