"""The month of a village's ledger as a public text (月度财务公开) and as an .xlsx file, both generated from
``finance.ledger.month_summary`` — never typed.

The text and the file are documents in Chinese (they go on the village's notice board and to the township as they
are, whatever language the interface is in), so their fixed labels are Chinese data constants here. A private
person's name is masked (张*): a public notice shows what the duty needs (个人信息保护法 Art. 34).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.masking import mask_name
from finance.ledger import MonthSummary
from finance.models import Direction
from finance.rules import yuan

DIRECTION_ZH = {Direction.INCOME: "收入", Direction.EXPENSE: "支出"}


def public_counterparty(entry) -> str:
    return mask_name(entry.counterparty) if entry.counterparty_is_person else entry.counterparty


def line_text(entry) -> str:
    kind = "冲销" if entry.is_reversal else DIRECTION_ZH[entry.direction]
    amount = f"-{yuan(entry.amount)}" if entry.is_reversal else yuan(entry.amount)
    text = (
        f"{entry.date:%m-%d} {kind} {entry.category.full_name} {amount} 元 "
        f"{public_counterparty(entry)} {entry.summary if not entry.is_reversal else entry.reverses.summary}"
    )
    if entry.is_reversal:
        text += f"（冲销 {entry.reverses.number}，原因：{entry.reason}）"
    return text


def disclosure_text(village, s: MonthSummary) -> tuple[str, str]:
    """(title, body) of the month's financial disclosure."""
    title = f"{village.name}{s.year}年{s.month}月财务收支公开"
    lines = [
        f"{village.name} {s.year}年{s.month}月财务收支公开（{s.start:%Y-%m-%d} 至 {s.end:%Y-%m-%d}）",
        "",
        f"一、期初余额（上月结余）：{yuan(s.opening)} 元",
        f"二、本月收入合计：{yuan(s.income)} 元",
    ]
    for line in s.income_lines:
        lines.append(f"  {line.category.name}：{yuan(line.amount)} 元（{line.count} 笔）")
    lines.append(f"三、本月支出合计：{yuan(s.expense)} 元")
    for line in s.expense_lines:
        lines.append(f"  {line.category.name}：{yuan(line.amount)} 元（{line.count} 笔）")
    lines.append(f"四、期末余额（本月结余）：{yuan(s.closing)} 元")
    lines.append(f"五、收支明细（共 {len(s.entries)} 笔）")
    if not s.entries:
        lines.append("  本月无收支。")
    for n, entry in enumerate(s.entries, start=1):
        lines.append(f"  {n}. {line_text(entry)}")
    lines.append("六、惠民资金兑付明细")
    if not s.welfare:
        lines.append("  本月无惠民资金收支。")
    for n, entry in enumerate(s.welfare, start=1):
        lines.append(f"  {n}. {line_text(entry)}")
    lines.append("")
    lines.append(
        "以上数据由村级财务台账生成，经村民主理财小组审核后公开；原始凭证存村委会备查，村民可就本公开提出质询。"
    )
    return title, "\n".join(lines)


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
