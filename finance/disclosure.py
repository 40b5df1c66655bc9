"""The month of a village's ledger as a public text (月度财务公开: the statement by category, 收支明细表, as a table)
with every entry in an attached table (.xlsx), and the township's .xlsx of the month, all generated from
``finance.ledger.month_summary`` — never typed. A correction (更正) names what it corrects, why and what changed.

The text and the file are documents in Chinese (they go on the village's notice board and to the township as they
are, whatever language the interface is in), so their fixed labels are Chinese data constants here. A private
person's name is masked (张*): a public notice shows what the duty needs (个人信息保护法 Art. 34).
"""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.masking import mask_name
from finance.ledger import MonthSummary
from finance.models import ZERO, Direction
from finance.rules import yuan

DIRECTION_ZH = {Direction.INCOME: "收入", Direction.EXPENSE: "支出"}


def public_counterparty(entry) -> str:
    return mask_name(entry.counterparty) if entry.counterparty_is_person else entry.counterparty


def _cell(text) -> str:
    """A table cell of the notice text (transparency.text): a bar would start a new cell."""
    return str(text).replace("|", "｜").replace("\n", " ").strip()


def _row(*cells) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def entries_name(village, s: MonthSummary) -> str:
    return f"{village.name}{s.year}年{s.month}月收支逐笔明细.xlsx"


def statement_lines(s: MonthSummary) -> list[list]:
    """The statement by category (收支明细表) as data: [key, label, name, amount, count] per row, in order. Keys are
    ``opening``, ``income``, ``expense``, ``closing`` and category codes; the labels carry the statement's numbering
    (一、…, 1. top category, （1）sub-category); what a correction compares."""
    rows: list[list] = [["opening", "一、期初余额（上月结余）", "期初余额", yuan(s.opening), None]]
    for key, heading, name, total, lines in (
        ("income", "二、本月收入合计", "本月收入合计", s.income, s.income_lines),
        ("expense", "三、本月支出合计", "本月支出合计", s.expense, s.expense_lines),
    ):
        rows.append([key, heading, name, yuan(total), sum(line.count for line in lines)])
        for n, line in enumerate(lines, start=1):
            top = line.category
            rows.append([top.code, f"{n}. {top.name}", top.name, yuan(line.amount), line.count])
            subs = sorted(
                (sub for sub in s.by_category.values() if sub.category.parent_id == top.pk),
                key=lambda sub: sub.category.code,
            )
            for m, sub in enumerate(subs, start=1):
                category = sub.category
                rows.append([category.code, f"（{m}）{category.name}", category.full_name, yuan(sub.amount), sub.count])
    rows.append(["closing", "四、期末余额（本月结余）", "期末余额", yuan(s.closing), None])
    return rows


def statement_table(rows: list[list]) -> list[str]:
    lines = [_row("项目", "金额（元）", "笔数"), "|---|---:|---:|"]
    lines += [_row(label, amount, "" if count is None else count) for _key, label, _name, amount, count in rows]
    return lines


def _closing_lines(village, s: MonthSummary) -> list[str]:
    welfare_in = sum((e.signed_amount for e in s.welfare if e.direction == Direction.INCOME), ZERO)
    welfare_out = sum((e.signed_amount for e in s.welfare if e.direction == Direction.EXPENSE), ZERO)
    reversals = sum(1 for e in s.entries if e.is_reversal)
    name = entries_name(village, s)
    lines = [""]
    if s.welfare:
        lines.append(
            f"惠民资金：本月收支 {len(s.welfare)} 笔，收入 {yuan(welfare_in)} 元，支出 {yuan(welfare_out)} 元，"
            f"逐笔列于附件《{name}》的“惠民资金明细”表。"
        )
    else:
        lines.append("惠民资金：本月无惠民资金收支。")
    if s.entries:
        lines.append(
            f"收支逐笔明细：本月共 {len(s.entries)} 笔"
            + (f"（其中红字冲销 {reversals} 笔）" if reversals else "")
            + f"，全部列于附件《{name}》，可在网上公开中查看、打印或下载。"
        )
    else:
        lines.append("收支逐笔明细：本月无收支。")
    lines += [
        "",
        "以上数据由村级财务台账生成，经村民主理财小组审核后公开；原始凭证存村委会备查，村民可就本公开提出质询。",
    ]
    return lines


def _opening_lines(s: MonthSummary) -> list[str]:
    return [
        f"公开期间：{s.start:%Y-%m-%d} 至 {s.end:%Y-%m-%d}。本月收入合计 {yuan(s.income)} 元，支出合计 "
        f"{yuan(s.expense)} 元；期初余额 {yuan(s.opening)} 元，期末余额 {yuan(s.closing)} 元。",
        "",
        "收支明细表（单位：元）",
    ]


def disclosure_text(village, s: MonthSummary) -> tuple[str, str]:
    """(title, body) of the month's financial disclosure: the statement by category (收支明细表) as a table, the
    惠民资金 totals, and where every entry is listed (the attached table, ``entries_xlsx``). Its length does not
    grow with the number of entries, so a month of any size fits a notice (and one A4 sheet)."""
    title = f"{village.name}{s.year}年{s.month}月财务收支公开"
    lines = _opening_lines(s) + statement_table(statement_lines(s)) + _closing_lines(village, s)
    return title, "\n".join(lines)


def correction_text(village, s: MonthSummary, old, reason: str, reversed_since: list) -> tuple[str, str]:
    """(title, body) of a correction (更正) of the disclosure ``old`` (a MonthlyDisclosure): what it corrects and
    why, every figure that differs from what ``old`` showed (old → now), the entries of the month reversed since
    (their reversals count in the month they are dated in), then the month's disclosure as it stands."""
    title = f"{village.name}{s.year}年{s.month}月财务收支公开（更正）"
    published = old.notice.published_at
    lines = [
        f"更正说明：本公开更正《{old.notice.title}》（公开编号 {old.notice.number}"
        + (f"，{timezone.localtime(published):%Y-%m-%d} 发布" if published else "")
        + "），原公开同时撤下，以本公开为准。",
        f"更正原因：{reason}",
    ]
    changed = changes(old, statement_lines(s))
    if changed:
        lines += ["更正内容（单位：元）：", _row("项目", "原公开", "更正后"), "|---|---:|---:|"]
        lines += [_row(name, before, after) for name, before, after in changed]
    else:
        lines.append("更正内容：收支数字与原公开一致，更正的是公开的文字。")
    if reversed_since:
        lines.append(
            f"原公开发布后，本月有 {len(reversed_since)} 笔已红字冲销（冲销计入冲销日期所在月份，在该月公开中列示）："
        )
        lines += [_row("记账编号", "科目", "金额（元）", "冲销日期", "原因"), "|---|---|---:|---|---|"]
        for entry in reversed_since[:REVERSALS_LISTED]:
            reversal = entry.reversed_by
            lines.append(
                _row(entry.number, entry.category.full_name, yuan(entry.amount), reversal.date, reversal.reason)
            )
        if len(reversed_since) > REVERSALS_LISTED:
            lines.append(f"另有 {len(reversed_since) - REVERSALS_LISTED} 笔，见冲销所在月份的公开。")
    lines.append("")
    lines += _opening_lines(s) + statement_table(statement_lines(s)) + _closing_lines(village, s)
    return title, "\n".join(lines)


REVERSALS_LISTED = 30


def changes(old, rows: list[list]) -> list[tuple[str, str, str]]:
    """(name, what ``old`` showed, what the month shows now) of every statement row that differs ("—": no row)."""
    before = {key: (name, amount) for key, _label, name, amount, _count in (old.statement or {}).get("lines", [])}
    if not before:  # generated before the statement was kept: its four totals
        before = {
            "opening": ("期初余额", yuan(old.opening)),
            "income": ("本月收入合计", yuan(old.income)),
            "expense": ("本月支出合计", yuan(old.expense)),
            "closing": ("期末余额", yuan(old.closing)),
        }
    now = {key: (name, amount) for key, _label, name, amount, _count in rows}
    out = []
    for key in [*now, *(k for k in before if k not in now)]:
        was, is_now = before.get(key), now.get(key)
        if was is None and is_now[1] == "0.00":  # a category that nets to nothing changes no figure
            continue
        if was is None or is_now is None or was[1] != is_now[1]:
            name = (is_now or was)[0]
            out.append((name, was[1] if was else "—", is_now[1] if is_now else "—"))
    return out


def entries_xlsx(village, s: MonthSummary) -> bytes:
    """Every entry of the month as the public table attached to the disclosure (private persons masked): the sheet
    收支逐笔明细 and, again, the 惠民资金 entries (004 五). First row the header, one entry a row; a reversal has a
    minus and names the entry it reverses and why."""
    book = Workbook(write_only=True)
    for title, entries in (("收支逐笔明细", s.entries), ("惠民资金明细", s.welfare)):
        sheet = book.create_sheet(title)
        for index, width in enumerate([15, 11, 6, 26, 13, 18, 36, 9, 34], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.append(["记账编号", "日期", "收支", "科目", "金额（元）", "对方", "摘要", "结算方式", "说明"])
        for entry in entries:
            amount = WriteOnlyCell(sheet, value=entry.signed_amount)
            amount.number_format = "#,##0.00"
            day = WriteOnlyCell(sheet, value=entry.date)
            day.number_format = "yyyy-mm-dd"
            sheet.append(
                [
                    entry.number,
                    day,
                    DIRECTION_ZH[entry.direction],
                    entry.category.full_name,
                    amount,
                    public_counterparty(entry),
                    entry.reverses.summary if entry.is_reversal else entry.summary,
                    "银行转账" if entry.method == "bank_transfer" else "现金",
                    f"红字冲销 {entry.reverses.number}，原因：{entry.reason}" if entry.is_reversal else "",
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def month_xlsx(village, s: MonthSummary) -> bytes:
    """The month as a workbook: the summary (opening, income and expense by category, closing) and every entry."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{s.year}-{s.month:02d}"
    bold = Font(bold=True)
    sheet.append([f"{village.name} {s.year}年{s.month}月 村级财务收支"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["项目", "金额（元）"])
    for cell in sheet[3]:
        cell.font = bold
    sheet.append(["期初余额", s.opening])
    sheet.append(["本月收入合计", s.income])
    for line in s.income_lines:
        sheet.append([f"  {line.category.name}", line.amount])
    sheet.append(["本月支出合计", s.expense])
    for line in s.expense_lines:
        sheet.append([f"  {line.category.name}", line.amount])
    sheet.append(["期末余额", s.closing])
    sheet.append([])
    header = ["编号", "日期", "收支", "科目", "金额（元）", "对方", "摘要", "结算方式", "冲销", "原因"]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for entry in s.entries:
        sheet.append(
            [
                entry.number,
                entry.date,
                DIRECTION_ZH[entry.direction],
                entry.category.full_name,
                entry.signed_amount,
                entry.counterparty,
                entry.summary,
                "银行转账" if entry.method == "bank_transfer" else "现金",
                entry.reverses.number if entry.is_reversal else "",
                entry.reason,
            ]
        )
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            if hasattr(cell.value, "as_tuple"):
                cell.number_format = "#,##0.00"
            elif hasattr(cell.value, "isoformat"):
                cell.number_format = "yyyy-mm-dd"
                cell.alignment = Alignment(horizontal="left")
    for index, width in enumerate([16, 12, 8, 26, 14, 20, 36, 10, 16, 24], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
