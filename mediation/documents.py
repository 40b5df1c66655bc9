"""The documents of a dispute, generated from the case and never typed again: the agreement (调解协议书) as a
printable page, a PDF (WeasyPrint) and a .docx (python-docx, which mediators edit and courts accept), and the
case file (卷宗) as one PDF in the order the file is kept in (人民调解法 Art. 27; 司法部《人民调解文书格式》: cover,
contents, application and registration, investigation, mediation records, agreement, follow-up, closing note)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import steps
from mediation.flows import MEDIATION
from mediation.models import PartyRole, Title

# The documents' fixed wording is Chinese data, as the forms of 司法部《人民调解文书格式》 are: a file and an agreement
# are handed to courts and archives as they are, whatever language the interface is in.
# the statutory order of the file: (section title, the steps whose records it holds)
FILE_ORDER = [
    ("受理登记", ("start", "accept", "assign", "transfer", "decline")),
    ("告知当事人权利义务", ("inform",)),
    ("调查记录", ("investigate",)),
    ("调解记录", ("session", "supervise", "raise_risk")),
    ("调解协议", ("draft", "redraft", "sign", "seal", "confirmation")),
    ("终止调解", ("refuse", "fail")),
    ("回访记录", ("follow_up",)),
    ("卷宗情况说明", ("archive",)),
]


def agreement_context(case) -> dict:
    parties = list(case.parties.all())
    copies = [str(p) for p in parties] + [_("The committee's file")]
    return {
        "case": case,
        "parties": parties,
        "applicants": [p for p in parties if p.role == PartyRole.APPLICANT],
        "respondents": [p for p in parties if p.role != PartyRole.APPLICANT],
        "mediators": list(case.mediators.exclude(title=Title.EXPERT)),
        "copies": copies,
        "count": len(copies),
    }


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: it needs Pango, which only the PDFs use

    return HTML(string=html).write_pdf()


def agreement_pdf(case) -> bytes:
    return _pdf(render_to_string("mediation/agreement.html", {**agreement_context(case), "document": True}))


def agreement_docx(case) -> bytes:
    """The agreement as a Word document, one copy (the parties print as many as they sign)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    ctx = agreement_context(case)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    title = doc.add_heading("人民调解协议书", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = doc.add_paragraph(f"{case.body.name} · 编号 {case.number}")
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    rows = [(p.get_role_display(), " · ".join(x for x in (p.name, p.address, p.phone) if x)) for p in ctx["parties"]]
    rows += [
        ("纠纷类型", case.get_kind_display()),
        ("纠纷主要事实、争议事项及各方责任", case.agreed_facts),
        ("经调解，自愿达成协议如下", case.terms),
        (
            "履行方式和期限",
            "；".join(x for x in (case.perform_how, case.perform_by and f"{case.perform_by:%Y年%m月%d日}前") if x)
            or "—",
        ),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
    doc.add_paragraph(
        "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效，具有法律约束力，"
        "当事人应当按照约定履行（人民调解法第二十九条、第三十一条）。双方当事人可自本协议生效之日起三十日内共同向人民法院"
        "申请司法确认（第三十三条）。"
    )
    doc.add_paragraph(f"本协议一式 {ctx['count']} 份，当事人各执一份，人民调解委员会留存一份。")
    for p in ctx["parties"]:
        doc.add_paragraph(f"{p.get_role_display()}（签名、盖章或按指印）：{p.name}　　　　日期：")
    names = "、".join(m.name for m in ctx["mediators"])
    doc.add_paragraph(f"人民调解员（签名）：{names}　　　　日期：")
    seal = doc.add_paragraph(f"{case.body.name}（盖章）\n日期：")
    seal.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def case_file_pdf(case, *, archived_at=None, file_number: str = "") -> bytes:
    """The whole file of the dispute as one PDF, its records in the statutory order; images attached to a step are
    printed in place, other files are listed by name."""
    rows = steps.timeline(case, MEDIATION)
    sections = []
    for title, names in FILE_ORDER:
        records = [r for r in rows if r["event"].transition in names]
        if records:
            sections.append({"title": title, "records": records})
    context = {
        **agreement_context(case),
        "sections": sections,
        "archived_at": archived_at or timezone.now(),
        "file_number": file_number or case.file_number,
        "state_label": MEDIATION.state_label(case.state),
        "images": _images(rows),
    }
    return _pdf(render_to_string("mediation/case_file.html", context))


def _images(rows) -> dict:
    """The attached photos as data URIs (the PDF embeds them), by attachment id."""
    import base64

    found = {}
    for row in rows:
        for a in row["attachments"]:
            if (a.content_type or "").startswith("image/"):
                with a.file.open("rb") as fh:
                    found[a.pk] = f"data:{a.content_type};base64,{base64.b64encode(fh.read()).decode()}"
    return found
