"""The proxy fee table: Schedule 14A Item 9(e) for the last two fiscal years (AC-DIS-05, -06).

Every fee the auditor billed (or is expected to bill) is recorded once, in one of the four
captions, for one fiscal year. The table sums them per caption and year, describes the
services in each caption, states the committee's pre-approval policy, and gives, for the
audit-related, tax and all-other captions, the percentage of the fees approved under the
de minimis exception of Reg S-X 2-01(c)(7)(i)(C).

Rounding: a percentage is ``100 x de minimis fees / caption fees``, computed exactly in
``Decimal`` and then rounded once to one decimal place, half away from zero
(``ROUND_HALF_UP``): 2.25 % shows as 2.3 %, 2.24 % as 2.2 %. A caption with no fees in a
year shows 0.0 % (nothing in it was approved under the exception). Amounts are summed
exactly and never rounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from oversight.rules.auditor.common import (
    NON_AUDIT,
    ZERO,
    Category,
    money,
)

ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)

DESCRIPTIONS: dict[Category, str] = {
    Category.AUDIT: (
        "Fees for the audit of the annual consolidated financial statements and of internal "
        "control over financial reporting, the reviews of the quarterly financial statements, "
        "and services normally provided in connection with statutory and regulatory filings, "
        "such as consents and comfort letters, billed or expected to be billed for the year."
    ),
    Category.AUDIT_RELATED: (
        "Fees for assurance and related services reasonably related to the audit or review "
        "and not reported as audit fees, such as employee benefit plan audits, due diligence "
        "on acquisitions and attest services not required by statute."
    ),
    Category.TAX: (
        "Fees for tax compliance, tax advice and tax planning, such as the review of federal, "
        "state and international tax returns."
    ),
    Category.ALL_OTHER: (
        "Fees for permitted services not included above, such as subscriptions to the "
        "auditor's accounting research tools."
    ),
}


@dataclass(frozen=True, slots=True)
class FeeRecord:
    """One fee to the principal auditor, recorded once, in one caption, for one fiscal year.

    ``estimated`` marks an audit fee expected but not yet billed. ``de_minimis`` marks a
    non-audit fee approved under the de minimis exception. ``approval_ref`` names the
    pre-approval it was billed under (reconciliation, ``preapproval.reconcile``).
    """

    ref: str
    fiscal_year: int
    category: Category
    amount: Decimal
    estimated: bool = False
    de_minimis: bool = False
    approval_ref: str | None = None
    rendered_on: date | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.category, Category):
            raise ValueError(
                f"Fee {self.ref}: unknown or missing category {self.category!r}."
            )
        money(self.amount)
        if self.de_minimis and self.category is Category.AUDIT:
            raise ValueError(
                f"Fee {self.ref}: the de minimis exception covers non-audit services only."
            )


@dataclass(frozen=True, slots=True)
class FeeRow:
    """One caption of the table: the amounts for each year and the de minimis percentages."""

    category: Category
    caption: str
    description: str
    amounts: tuple[Decimal, ...]  # one per fiscal year, in the table's order
    de_minimis_amounts: tuple[Decimal, ...]
    de_minimis_percent: tuple[
        Decimal | None, ...
    ]  # None for audit fees (not disclosed)
    has_estimates: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class FeeTable:
    """The Item 9(e) table: captions by fiscal year, totals, and the policy statement."""

    fiscal_years: tuple[int, ...]  # most recent first
    rows: tuple[FeeRow, ...]
    totals: tuple[Decimal, ...]
    policy_statement: str

    def row(self, category: Category) -> FeeRow:
        return next(row for row in self.rows if row.category is category)

    def as_rows(self) -> list[list[str]]:
        """The table as text cells (header first), for CSV, HTML or PDF output."""
        header = ["Category", *(f"FY{year}" for year in self.fiscal_years)]
        header += [f"De minimis % FY{year}" for year in self.fiscal_years]
        out = [header]
        for row in self.rows:
            cells = [row.caption, *(format_amount(a) for a in row.amounts)]
            cells += [
                "" if pct is None else f"{pct}%" for pct in row.de_minimis_percent
            ]
            out.append(cells)
        out.append(
            [
                "Total",
                *(format_amount(t) for t in self.totals),
                *("" for _ in self.fiscal_years),
            ]
        )
        return out


def format_amount(amount: Decimal) -> str:
    """``$1,234,567`` for whole dollars, ``$1,234.50`` otherwise."""
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """``part / whole`` as a percentage rounded half-up to one decimal; 0.0 if ``whole`` is 0."""
    if whole == 0:
        return Decimal("0.0")
    return (part * HUNDRED / whole).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def check_unique(fees: Iterable[FeeRecord]) -> None:
    """Each fee is recorded once: a repeated reference is refused."""
    seen: set[str] = set()
    for fee in fees:
        if fee.ref in seen:
            raise ValueError(f"Fee {fee.ref} is recorded more than once.")
        seen.add(fee.ref)


def total_fees(fees: Iterable[FeeRecord], fiscal_year: int) -> Decimal:
    """All fees to the auditor for ``fiscal_year`` (the de minimis 5% base)."""
    return sum((f.amount for f in fees if f.fiscal_year == fiscal_year), ZERO)


def fee_table(
    fees: Iterable[FeeRecord],
    *,
    latest_year: int,
    policy_statement: str,
    descriptions: Mapping[Category, str] | None = None,
) -> FeeTable:
    """Schedule 14A Item 9(e)(1)-(5) for ``latest_year`` and the year before (AC-DIS-05, -06).

    Item 9(e): disclose "the aggregate fees billed for each of the last two fiscal years" in
    four captions, describe the services in the last three, describe the pre-approval
    policies, and give the percentage of services in each of the last three approved under
    the de minimis exception.
    """
    records = tuple(fees)
    check_unique(records)
    years = (latest_year, latest_year - 1)
    text = {**DESCRIPTIONS, **(descriptions or {})}
    rows: list[FeeRow] = []
    for category in Category:
        amounts: list[Decimal] = []
        minimis: list[Decimal] = []
        pcts: list[Decimal | None] = []
        estimates: list[bool] = []
        for year in years:
            in_cell = [
                f for f in records if f.fiscal_year == year and f.category is category
            ]
            amount = sum((f.amount for f in in_cell), ZERO)
            small = sum((f.amount for f in in_cell if f.de_minimis), ZERO)
            amounts.append(amount)
            minimis.append(small)
            pcts.append(percent(small, amount) if category in NON_AUDIT else None)
            estimates.append(any(f.estimated for f in in_cell))
        rows.append(
            FeeRow(
                category,
                category.caption,
                text[category],
                tuple(amounts),
                tuple(minimis),
                tuple(pcts),
                tuple(estimates),
            )
        )
    totals = tuple(sum((row.amounts[i] for row in rows), ZERO) for i in range(2))
    return FeeTable(years, tuple(rows), totals, policy_statement)


def policy_statement(
    adopted_on: date | None, *, delegates: tuple[str, ...] = ()
) -> str:
    """The Item 9(e)(5)(i) description of the committee's pre-approval policy."""
    text = (
        "The Audit Committee pre-approves all audit and permitted non-audit services "
        "provided by the independent registered public accounting firm. "
    )
    if adopted_on is not None:
        text += (
            f"Under its pre-approval policy, last adopted on {adopted_on:%B} "
            f"{adopted_on.day}, {adopted_on.year}, the committee pre-approves specifically "
            "described services in general for a term of twelve months unless it sets "
            "another term, each up to a fee cap; any service not so described, or above "
            "its cap, requires specific approval. Services approved in general are reported "
            "to the committee at its next meeting. "
        )
    else:
        text += "Each service is approved specifically by the committee. "
    if delegates:
        text += (
            "The committee has delegated authority to grant specific approvals to "
            + " and ".join(delegates)
            + ", independent members who report each decision to the committee at its "
            "next scheduled meeting. "
        )
    text += "The committee does not delegate its pre-approval responsibilities to management."
    return text


@dataclass(frozen=True, slots=True)
class YearMix:
    """Audit against non-audit fees for one fiscal year (the independence chart)."""

    fiscal_year: int
    audit: Decimal
    non_audit: Decimal

    @property
    def non_audit_percent(self) -> Decimal:
        """Non-audit fees as a percentage of all fees, rounded half-up to one decimal."""
        return percent(self.non_audit, self.audit + self.non_audit)


def fee_mix(fees: Iterable[FeeRecord], years: Iterable[int]) -> tuple[YearMix, ...]:
    """For each year, oldest first, the audit and non-audit fees to the auditor."""
    records = tuple(fees)
    out = []
    for year in sorted(set(years)):
        audit = sum(
            (
                f.amount
                for f in records
                if f.fiscal_year == year and f.category is Category.AUDIT
            ),
            ZERO,
        )
        other = sum(
            (
                f.amount
                for f in records
                if f.fiscal_year == year and f.category is not Category.AUDIT
            ),
            ZERO,
        )
        out.append(YearMix(year, audit, other))
    return tuple(out)
