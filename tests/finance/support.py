"""Test data for the village ledger: the world of tests/factories.py with the county's default categories and
chain, and post holders in 安家村 (a1): cadre_a1 村支书, clerk_a1 村文书, supervisor_a1 监委会, township_a 包村干部,
station_a 镇农经站, leader_a 包村领导, head_a 镇主要领导, first_a1 第一书记."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape
from PIL import Image

from core.roles import Role
from finance import services
from finance.models import Category, Expense, Post
from tests.factories import World, build_world, make_user


def zh(msgid: str, **params) -> str:
    """What a user sees for ``msgid`` in Simplified Chinese, with ``params`` (lazy labels included) put in."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
        return text % {k: str(v) for k, v in params.items()} if params else text


def shown(msgid: str, **params) -> str:
    """``zh(...)`` as it appears in an HTML page (escaped)."""
    return escape(zh(msgid, **params))


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "发票.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def image(name: str = "收据.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (200, 120), (30, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def not_a_document(name: str = "发票.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 this is a program", content_type="application/pdf")


@dataclass
class FinanceWorld:
    w: World

    @property
    def users(self):
        return self.w.users

    @property
    def village(self):
        return self.w.village_a1

    def cat(self, code: str) -> Category:
        return Category.objects.get(county=self.w.county, code=code)

    def income(self, amount="1000.00", *, day=None, code="50401", by="cadre_a1", village=None, **over):
        data = {
            "category": self.cat(code),
            "amount": amount,
            "counterparty": "县财政局",
            "summary": "转移支付",
            "method": "bank_transfer",
            "reference": "ZZ2026001",
            "date": day or date(2026, 10, 10),
        }
        data.update(over)
        return services.entry_record_income(actor=self.users[by], village=village or self.village, **data)

    def expense_data(self, amount="1500.00", **over) -> dict:
        amount = Decimal(amount)
        half = (amount / 2).quantize(Decimal("0.01"))
        data = {
            "title": "村委会办公用品",
            "category": self.cat("60202"),
            "payee": "安家文具店",
            "amount": str(amount),
            "lines": [
                {"description": "打印纸", "amount": str(half)},
                {"description": "墨盒", "amount": str(amount - half)},
            ],
        }
        data.update(over)
        return data

    def submit(self, amount="1500.00", by="cadre_a1", **over) -> Expense:
        return services.expense_submit(actor=self.users[by], village=self.village, **self.expense_data(amount, **over))

    def signers(self, expense: Expense) -> list:
        """One account per step of the expense's chain, in order."""
        by_post = {
            Post.CLERK: "clerk_a1",
            Post.SECRETARY: "cadre_a1",
            Post.FIRST_SECRETARY: "first_a1",
            Post.SUPERVISORY: "supervisor_a1",
            Post.LIAISON: "township_a",
            Post.LIAISON_LEADER: "leader_a",
            Post.AGRI_STATION: "station_a",
            Post.TOWNSHIP_HEAD: "head_a",
        }
        return [self.users[by_post[p]] for p in expense.chain]

    def approve(self, expense: Expense) -> Expense:
        for user in self.signers(expense):
            services.expense_sign(actor=user, expense=expense)
        expense.refresh_from_db()
        return expense

    def paid(self, amount="1500.00", day=None, **over):
        expense = self.approve(self.submit(amount, **over))
        return services.expense_pay(
            actor=self.users["cadre_a1"], expense=expense, reference="YH20261020", date=day or date(2026, 10, 20)
        )


def build_finance_world() -> FinanceWorld:
    w = build_world()
    u = w.users
    u["clerk_a1"] = make_user("clerk_a1", Role.VILLAGE_CADRE, w.village_a1)
    u["first_a1"] = make_user("first_a1", Role.VILLAGE_CADRE, w.village_a1)
    u["supervisor_a1"] = make_user("supervisor_a1", Role.VILLAGE_SUPERVISOR, w.village_a1)
    u["station_a"] = make_user("station_a", Role.TOWNSHIP_OFFICIAL, w.township_a)
    u["leader_a"] = make_user("leader_a", Role.TOWNSHIP_OFFICIAL, w.township_a)
    u["head_a"] = make_user("head_a", Role.TOWNSHIP_OFFICIAL, w.township_a)
    services.county_set_up(w.county)  # already done when the county was created: nothing more
    admin = u["township_a"]
    for post, who in (
        (Post.CLERK, "clerk_a1"),
        (Post.SECRETARY, "cadre_a1"),
        (Post.FIRST_SECRETARY, "first_a1"),
        (Post.SUPERVISORY, "supervisor_a1"),
        (Post.LIAISON, "township_a"),
        (Post.LIAISON_LEADER, "leader_a"),
        (Post.AGRI_STATION, "station_a"),
        (Post.TOWNSHIP_HEAD, "head_a"),
    ):
        services.post_assign(actor=admin, village=w.village_a1, post=post, user=u[who])
    return FinanceWorld(w)
