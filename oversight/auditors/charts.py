"""The independence chart: audit against non-audit fees by fiscal year, as our own SVG.

No script, no inline style (presentation attributes only), so it passes a strict CSP
whether served inline or as a file. Pure: takes the rules' ``YearMix`` rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from oversight.rules.auditor.fees import YearMix, format_amount

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 90, 20, 30, 50
AUDIT_FILL, NON_AUDIT_FILL = "#2f5d8a", "#d98c1f"


def _nice_max(value: Decimal) -> Decimal:
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        top = magnitude * step
        if top >= value:
            return top
    return magnitude * 10  # pragma: no cover - the loop always returns


def fee_mix_svg(
    rows: Sequence[YearMix], *, title: str = "Audit and non-audit fees by fiscal year"
) -> str:
    """An accessible SVG bar chart, two bars per year, with a legend and a data table title."""
    peak = max((max(r.audit, r.non_audit) for r in rows), default=Decimal(0))
    top = _nice_max(peak)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = plot_w / max(len(rows), 1)
    bar = min(group / 3, 60)
    desc = (
        "; ".join(
            f"FY{r.fiscal_year}: audit {format_amount(r.audit)}, non-audit "
            f"{format_amount(r.non_audit)} ({r.non_audit_percent}% non-audit)"
            for r in rows
        )
        or "No fees recorded."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="fee-mix-title fee-mix-desc" class="chart">',
        f'<title id="fee-mix-title">{escape(title)}</title>',
        f'<desc id="fee-mix-desc">{escape(desc)}</desc>',
    ]
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ccc"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{escape(format_amount(value.quantize(Decimal(1))))}</text>"
        )
    for index, row in enumerate(rows):
        x0 = LEFT + group * index + (group - 2 * bar) / 2
        for offset, (amount, fill, label) in enumerate(
            (
                (row.audit, AUDIT_FILL, "audit"),
                (row.non_audit, NON_AUDIT_FILL, "non-audit"),
            )
        ):
            h = float(amount / top) * plot_h
            x = x0 + offset * bar
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{fill}"><title>FY{row.fiscal_year} {label}: '
                f"{escape(format_amount(amount))}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + bar:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'font-size="12">FY{row.fiscal_year}</text>'
            f'<text x="{x0 + bar:.1f}" y="{HEIGHT - BOTTOM + 30}" text-anchor="middle" '
            f'font-size="11">{row.non_audit_percent}% non-audit</text>'
        )
    parts.append(
        f'<rect x="{LEFT}" y="8" width="12" height="12" fill="{AUDIT_FILL}"/>'
        f'<text x="{LEFT + 16}" y="18" font-size="12">Audit</text>'
        f'<rect x="{LEFT + 80}" y="8" width="12" height="12" fill="{NON_AUDIT_FILL}"/>'
        f'<text x="{LEFT + 96}" y="18" font-size="12">Non-audit</text>'
        "</svg>"
    )
    return "".join(parts)
