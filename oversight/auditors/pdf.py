"""The proxy fee table as a PDF (reportlab), for the proxy drafting pack."""

from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from oversight.rules.auditor.fees import FeeTable


def fee_table_pdf(company_name: str, table: FeeTable) -> bytes:
    """Item 9(e): the table, each category's description and the pre-approval statement."""
    styles = getSampleStyleSheet()
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=f"{company_name}: principal accountant fees and services",
        author="Oversight",
    )
    years = " and ".join(f"FY{y}" for y in table.fiscal_years)
    story = [
        Paragraph(
            f"{company_name}: Principal Accountant Fees and Services", styles["Title"]
        ),
        Paragraph(
            f"Fees billed or to be billed by the principal auditor for {years}.",
            styles["Normal"],
        ),
        Spacer(1, 12),
    ]
    grid = Table(table.as_rows(), hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
            ]
        )
    )
    story += [grid, Spacer(1, 12)]
    for row in table.rows:
        story.append(
            Paragraph(f"<b>{row.caption}.</b> {row.description}", styles["Normal"])
        )
        story.append(Spacer(1, 6))
    story += [
        Paragraph("<b>Pre-approval policies and procedures.</b>", styles["Normal"]),
        Paragraph(table.policy_statement, styles["Normal"]),
    ]
    doc.build(story)
    return buffer.getvalue()
