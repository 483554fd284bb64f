"""The composition register as dated facts: directors, their relationships, the committee.

Every fact is a frozen dataclass that refuses to exist in an impossible shape (a negative
amount, an end before a start, a relationship outside the Nasdaq "Family Member" list).
Periods are inclusive: ``end`` is the last day the state held, ``None`` while it still
holds. ``ref`` names the record the fact came from (a scenario path such as
``directors[2].compensation[0]`` or a database reference such as
``committee.employment:12``) so every verdict can point back at it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from oversight.rules.core import Verdict

ONE_DAY = timedelta(days=1)
EARLIEST = date(1900, 1, 1)  # dates outside this range are typing mistakes
LATEST = date(2200, 12, 31)


def check_day(day: date, what: str = "a date") -> date:
    """``day``, or ``ValueError`` when it lies outside 1900..2200."""
    if not EARLIEST <= day <= LATEST:
        raise ValueError(
            f"{what} must fall between {EARLIEST.year} and {LATEST.year} ({day.isoformat()})"
        )
    return day


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def usd(amount: Decimal) -> str:
    """Dollars as people write them: ``$120,001`` or ``$1,234.50``."""
    cents = amount.quantize(Decimal("0.01"))
    if cents == cents.to_integral_value():
        return f"${int(cents):,}"
    return f"${cents:,.2f}"


def _non_negative(amount: Decimal, what: str) -> None:
    if amount < 0:
        raise ValueError(f"{what} cannot be negative ({amount})")


@dataclass(frozen=True, slots=True)
class Period:
    """From ``start`` to ``end`` inclusive; ``end is None`` while it continues."""

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        check_day(self.start, "a start")
        if self.end is not None:
            check_day(self.end, "an end")
        if self.end is not None and self.end < self.start:
            raise ValueError(
                f"ends {self.end.isoformat()} before it starts {self.start.isoformat()}"
            )

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, start: date, end: date) -> bool:
        """True when the period shares at least one day with ``start..end``."""
        return self.start <= end and (self.end is None or self.end >= start)

    def overlaps_period(self, other: Period) -> bool:
        far = date.max
        return self.start <= (other.end or far) and other.start <= (self.end or far)

    def describe(self) -> str:
        end = self.end.isoformat() if self.end else "present"
        return f"{self.start.isoformat()}..{end}"


# ---------------------------------------------------------------------------
# Family members
# ---------------------------------------------------------------------------


class Relationship(StrEnum):
    """Nasdaq Rule 5605(a)(2) "Family Member" (as amended February 2020)."""

    SPOUSE = "spouse"
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    MOTHER_IN_LAW = "mother_in_law"
    FATHER_IN_LAW = "father_in_law"
    SON_IN_LAW = "son_in_law"
    DAUGHTER_IN_LAW = "daughter_in_law"
    BROTHER_IN_LAW = "brother_in_law"
    SISTER_IN_LAW = "sister_in_law"
    # anyone (other than a domestic employee) who shares the director's home
    HOUSEHOLD_MEMBER = "household_member"


def parse_relationship(value: str) -> Relationship:
    """The relationship, or ``ValueError`` naming the ones the rule knows."""
    try:
        return Relationship(value)
    except ValueError:
        allowed = ", ".join(r.value for r in Relationship)
        raise ValueError(
            f"unknown relationship {value!r}: a Family Member is one of {allowed}"
        ) from None


# ---------------------------------------------------------------------------
# Facts held for a director and for each family member
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Employment:
    """Employment by the company or a member of its consolidated group."""

    period: Period
    title: str = ""
    employer: str = "the company"
    executive_officer: bool = False
    interim: bool = False
    ref: str = ""


class CompensationKind(StrEnum):
    """What a payment from the company to a person was for."""

    BOARD_FEES = "board_fees"
    COMMITTEE_FEES = "committee_fees"
    SALARY = "salary"
    BONUS = "bonus"
    CONSULTING = "consulting"
    ADVISORY = "advisory"
    LEGAL = "legal"
    OTHER = "other"
    TAX_QUALIFIED_RETIREMENT = "tax_qualified_retirement"
    NON_DISCRETIONARY = "non_discretionary"
    DEFERRED_PRIOR_SERVICE = "deferred_prior_service"


@dataclass(frozen=True, slots=True)
class Compensation:
    """An amount the company (or a subsidiary) paid the person on a date."""

    paid_on: date
    amount: Decimal
    kind: CompensationKind
    description: str = ""
    ref: str = ""

    def __post_init__(self) -> None:
        _non_negative(self.amount, "a compensation amount")


class OrgRoleKind(StrEnum):
    PARTNER = "partner"
    CONTROLLING_SHAREHOLDER = "controlling_shareholder"
    EXECUTIVE_OFFICER = "executive_officer"
    MANAGING_MEMBER = "managing_member"
    LIMITED_PARTNER = "limited_partner"
    EMPLOYEE = "employee"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class OrgRole:
    """The person's role at an organisation (``organisation`` is its id)."""

    organisation: str
    role: OrgRoleKind
    period: Period
    ref: str = ""


class AuditorRoleKind(StrEnum):
    PARTNER = "partner"
    EMPLOYEE = "employee"


@dataclass(frozen=True, slots=True)
class AuditorRole:
    """A position at the company's outside auditor."""

    role: AuditorRoleKind
    period: Period
    worked_on_audit: bool = False
    firm: str = "the outside auditor"
    ref: str = ""


@dataclass(frozen=True, slots=True)
class Interlock:
    """The person was an executive officer of ``entity`` (``executive``) while one of
    the company's executive officers sat on its compensation committee (``committee``).
    """

    entity: str
    executive: Period
    committee: Period
    our_officer: str = ""
    ref: str = ""


@dataclass(frozen=True, slots=True)
class FamilyMember:
    """A Family Member of a director, with the facts held about them."""

    id: str
    name: str
    relationship: Relationship
    minor: bool = False
    shares_home: bool = False
    employments: tuple[Employment, ...] = ()
    compensation: tuple[Compensation, ...] = ()
    org_roles: tuple[OrgRole, ...] = ()
    auditor_roles: tuple[AuditorRole, ...] = ()
    interlocks: tuple[Interlock, ...] = ()
    ref: str = ""

    def executive_officer_on(self, day: date) -> bool:
        return any(
            e.executive_officer and e.period.contains(day) for e in self.employments
        )

    def employment_on(self, day: date) -> Employment | None:
        return next((e for e in self.employments if e.period.contains(day)), None)


# ---------------------------------------------------------------------------
# Qualifications
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShareHolding:
    """The director's voting power (direct or indirect) as reported on ``on``."""

    on: date
    voting_pct: Decimal
    ref: str = ""

    def __post_init__(self) -> None:
        _non_negative(self.voting_pct, "a voting percentage")
        if self.voting_pct > 100:
            raise ValueError(
                f"a voting percentage cannot exceed 100 ({self.voting_pct})"
            )


@dataclass(frozen=True, slots=True)
class FsPreparation:
    """The director took part in preparing the company's (or a subsidiary's) statements."""

    period: Period
    description: str = ""
    ref: str = ""


@dataclass(frozen=True, slots=True)
class LiteracyAttestation:
    """The board's finding, on ``on``, whether the director can read financial statements."""

    on: date
    literate: bool
    ref: str = ""


class SophisticationBasis(StrEnum):
    """Nasdaq 5605(c)(2)(A): the grounds of financial sophistication."""

    FINANCE_EMPLOYMENT = "finance_employment"
    ACCOUNTING_CERTIFICATION = "accounting_certification"
    CEO = "ceo"
    CFO = "cfo"
    SENIOR_OFFICER_FIN_OVERSIGHT = "senior_officer_fin_oversight"
    OTHER_COMPARABLE = "other_comparable"


@dataclass(frozen=True, slots=True)
class Sophistication:
    on: date
    basis: SophisticationBasis
    description: str = ""
    ref: str = ""

    def __post_init__(self) -> None:
        if self.basis is SophisticationBasis.OTHER_COMPARABLE and not self.description:
            raise ValueError("'other comparable experience' needs a description")


class AcfeAttribute(StrEnum):
    """Item 407(d)(5)(ii): the five attributes, all required."""

    GAAP = "understands_gaap_and_statements"
    ESTIMATES = "applies_gaap_to_estimates_accruals_reserves"
    EXPERIENCE = "prepared_audited_analysed_or_supervised_comparable_statements"
    ICFR = "understands_internal_control"
    FUNCTIONS = "understands_audit_committee_functions"


class AcfeRoute(StrEnum):
    """Item 407(d)(5)(iii): how the attributes were acquired (any one)."""

    EDUCATION_AND_EXPERIENCE = (
        "education_and_experience"  # PFO, PAO, controller, accountant, auditor
    )
    SUPERVISING = "supervising"
    OVERSEEING = "overseeing"
    OTHER = "other_relevant_experience"


@dataclass(frozen=True, slots=True)
class AcfeDesignation:
    """The board's audit-committee-financial-expert finding for a director on ``on``."""

    on: date
    attributes: frozenset[AcfeAttribute]
    routes: frozenset[AcfeRoute]
    other_experience: str = ""
    resolution: str = ""
    ref: str = ""

    def __post_init__(self) -> None:
        if AcfeRoute.OTHER in self.routes and not self.other_experience:
            raise ValueError("'other relevant experience' must be described")

    @property
    def missing(self) -> tuple[AcfeAttribute, ...]:
        return tuple(a for a in AcfeAttribute if a not in self.attributes)

    @property
    def qualifies(self) -> bool:
        return not self.missing and bool(self.routes)


@dataclass(frozen=True, slots=True)
class OtherAuditCommittee:
    """A seat on another public company's audit committee."""

    company: str
    period: Period
    ref: str = ""


# ---------------------------------------------------------------------------
# Directors
# ---------------------------------------------------------------------------


def _latest[T: (ShareHolding, LiteracyAttestation, Sophistication, AcfeDesignation)](
    items: Iterable[T], as_of: date
) -> T | None:
    known = [i for i in items if i.on <= as_of]
    return max(known, key=lambda i: i.on) if known else None


@dataclass(frozen=True, slots=True)
class Director:
    """A director (or nominee) and everything the register holds about them."""

    id: str
    name: str
    board: tuple[Period, ...] = ()
    employments: tuple[Employment, ...] = ()
    compensation: tuple[Compensation, ...] = ()
    family: tuple[FamilyMember, ...] = ()
    org_roles: tuple[OrgRole, ...] = ()
    auditor_roles: tuple[AuditorRole, ...] = ()
    interlocks: tuple[Interlock, ...] = ()
    holdings: tuple[ShareHolding, ...] = ()
    fs_preparation: tuple[FsPreparation, ...] = ()
    literacy: tuple[LiteracyAttestation, ...] = ()
    sophistication: tuple[Sophistication, ...] = ()
    acfe: tuple[AcfeDesignation, ...] = ()
    other_audit_committees: tuple[OtherAuditCommittee, ...] = ()
    ref: str = ""

    def on_board(self, day: date) -> bool:
        return any(p.contains(day) for p in self.board)

    def employment_on(self, day: date) -> Employment | None:
        return next((e for e in self.employments if e.period.contains(day)), None)

    def holding_on(self, day: date) -> ShareHolding | None:
        return _latest(self.holdings, day)

    def literacy_on(self, day: date) -> LiteracyAttestation | None:
        return _latest(self.literacy, day)

    def sophistication_on(self, day: date) -> Sophistication | None:
        return _latest(self.sophistication, day)

    def acfe_on(self, day: date) -> AcfeDesignation | None:
        return _latest(self.acfe, day)


# ---------------------------------------------------------------------------
# Organisations and payments
# ---------------------------------------------------------------------------


class Direction(StrEnum):
    TO_ORGANISATION = "to_organisation"  # the company paid the organisation
    TO_COMPANY = "to_company"  # the organisation paid the company


class ServiceCategory(StrEnum):
    ACCOUNTING = "accounting"
    CONSULTING = "consulting"
    LEGAL = "legal"
    INVESTMENT_BANKING = "investment_banking"
    FINANCIAL_ADVISORY = "financial_advisory"
    GOODS = "goods"
    OTHER = "other"


ADVISORY_SERVICES = frozenset(
    {
        ServiceCategory.ACCOUNTING,
        ServiceCategory.CONSULTING,
        ServiceCategory.LEGAL,
        ServiceCategory.INVESTMENT_BANKING,
        ServiceCategory.FINANCIAL_ADVISORY,
    }
)


class PaymentExemption(StrEnum):
    INVESTMENT_IN_SECURITIES = "investment_in_company_securities"
    CHARITABLE_MATCH = "non_discretionary_charitable_match"


@dataclass(frozen=True, slots=True)
class OrgPayment:
    """A payment for property or services between the company and an organisation."""

    fiscal_year: int
    direction: Direction
    amount: Decimal
    category: ServiceCategory = ServiceCategory.OTHER
    paid_on: date | None = None
    exempt: PaymentExemption | None = None
    ref: str = ""

    def __post_init__(self) -> None:
        _non_negative(self.amount, "a payment amount")


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation a director or a Family Member is connected with.

    ``revenues`` are its consolidated gross revenues by fiscal year (of the company's
    fiscal calendar, in which the payments are also recorded).
    """

    id: str
    name: str
    revenues: tuple[tuple[int, Decimal], ...] = ()
    payments: tuple[OrgPayment, ...] = ()
    sole_proprietorship: bool = False
    ref: str = ""

    def __post_init__(self) -> None:
        for _fy, amount in self.revenues:
            _non_negative(amount, "a revenue")

    def revenue(self, fiscal_year: int) -> Decimal | None:
        return next((a for fy, a in self.revenues if fy == fiscal_year), None)


# ---------------------------------------------------------------------------
# The committee and the board's determinations
# ---------------------------------------------------------------------------


class EndReason(StrEnum):
    RESIGNATION = "resignation"
    DEATH = "death"
    REMOVAL = "removal"
    TERM_END = "term_end"
    LOSS_OF_INDEPENDENCE = "loss_of_independence"


@dataclass(frozen=True, slots=True)
class Membership:
    """A seat on the audit committee; ``period.end`` is the member's last day."""

    director: str
    period: Period
    chair: bool = False
    end_reason: EndReason | None = None
    exception: bool = False  # appointed under 5605(c)(2)(B)
    ref: str = ""

    def __post_init__(self) -> None:
        if self.end_reason is not None and self.period.end is None:
            raise ValueError("an end reason needs an end date")
        if self.period.end is not None and self.end_reason is None:
            raise ValueError("an ended membership needs the reason it ended")


@dataclass(frozen=True, slots=True)
class BoardDetermination:
    """The board's independence determination for a director (frozen once recorded)."""

    director: str
    on: date
    resolution: str
    independent: bool
    verdicts: tuple[tuple[str, Verdict], ...] = ()  # rule id -> the board's verdict
    subjective_factors: str = ""
    exception_finding: bool = False  # 5605(c)(2)(B) best-interests finding
    over_boarding_approved: bool = False  # service on more than three audit committees
    ref: str = ""

    def __post_init__(self) -> None:
        if not self.resolution:
            raise ValueError(
                "a determination needs the board resolution it was made by"
            )

    def verdict_for(self, rule_id: str) -> Verdict | None:
        return next((v for r, v in self.verdicts if r == rule_id), None)


@dataclass(frozen=True, slots=True)
class CompanyInfo:
    """The listed company: its fiscal calendar, listing, meetings and revenues."""

    name: str
    fiscal_year_end: tuple[int, int] = (12, 31)  # month, day
    listing_date: date | None = None
    registration_effective: date | None = None
    ipo: bool = False
    annual_meetings: tuple[date, ...] = ()
    revenues: tuple[tuple[int, Decimal], ...] = ()
    min_members: int = 3
    max_audit_committees: int | None = 3
    requires_acfe: bool = True
    ref: str = ""

    def __post_init__(self) -> None:
        month, day = self.fiscal_year_end
        date(2023, month, day)  # ValueError for an impossible day (29 February too)
        if self.min_members < 1:
            raise ValueError("the committee needs at least one member")
        for _fy, amount in self.revenues:
            _non_negative(amount, "a revenue")
        if self.ipo and (
            self.listing_date is None or self.registration_effective is None
        ):
            raise ValueError("a new listing needs its listing and effectiveness dates")

    def fiscal_year_of(self, day: date) -> int:
        """Fiscal years are named by the calendar year in which they end."""
        month, dom = self.fiscal_year_end
        return day.year if (day.month, day.day) <= (month, dom) else day.year + 1

    def fiscal_year_last_day(self, fiscal_year: int) -> date:
        month, dom = self.fiscal_year_end
        return date(fiscal_year, month, dom)

    def fiscal_year_first_day(self, fiscal_year: int) -> date:
        return self.fiscal_year_last_day(fiscal_year - 1) + ONE_DAY

    def revenue(self, fiscal_year: int) -> Decimal | None:
        return next((a for fy, a in self.revenues if fy == fiscal_year), None)

    def next_annual_meeting(self, after: date) -> date | None:
        later = [d for d in self.annual_meetings if d > after]
        return min(later) if later else None


@dataclass(frozen=True, slots=True)
class Register:
    """Everything the composition rules read, for one company."""

    company: CompanyInfo
    directors: tuple[Director, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    memberships: tuple[Membership, ...] = ()
    determinations: tuple[BoardDetermination, ...] = field(default=())

    def director(self, director_id: str) -> Director:
        for d in self.directors:
            if d.id == director_id:
                return d
        raise KeyError(director_id)

    def organisation(self, org_id: str) -> Organisation | None:
        return next((o for o in self.organisations if o.id == org_id), None)

    def memberships_on(self, day: date) -> tuple[Membership, ...]:
        return tuple(m for m in self.memberships if m.period.contains(day))

    def membership_of(self, director_id: str, day: date) -> Membership | None:
        return next(
            (
                m
                for m in self.memberships
                if m.director == director_id and m.period.contains(day)
            ),
            None,
        )

    def determination_for(
        self, director_id: str, day: date
    ) -> BoardDetermination | None:
        known = [
            d for d in self.determinations if d.director == director_id and d.on <= day
        ]
        return max(known, key=lambda d: d.on) if known else None


def register_problems(register: Register) -> list[tuple[str, str]]:
    """Cross-record problems a single fact cannot see: ``(ref, message)`` pairs."""
    problems: list[tuple[str, str]] = []
    ids = [d.id for d in register.directors]
    for director in register.directors:
        if ids.count(director.id) > 1:
            problems.append(
                (director.ref, f"director id {director.id!r} is used twice")
            )
    orgs = {o.id for o in register.organisations}
    for director in register.directors:
        holders: list[tuple[str, tuple[OrgRole, ...]]] = [
            (director.name, director.org_roles)
        ]
        holders += [(f.name, f.org_roles) for f in director.family]
        for _name, roles in holders:
            for role in roles:
                if role.organisation not in orgs:
                    problems.append(
                        (role.ref, f"unknown organisation {role.organisation!r}")
                    )
    for org in register.organisations:
        for payment in org.payments:
            if payment.paid_on is not None and (
                register.company.fiscal_year_of(payment.paid_on) != payment.fiscal_year
            ):
                problems.append(
                    (
                        payment.ref,
                        f"paid on {payment.paid_on.isoformat()}, which is in fiscal year "
                        f"{register.company.fiscal_year_of(payment.paid_on)}, "
                        f"not {payment.fiscal_year}",
                    )
                )
    known = set(ids)
    for m in register.memberships:
        if m.director not in known:
            problems.append((m.ref, f"membership for unknown director {m.director!r}"))
    by_person: dict[str, list[Membership]] = {}
    for m in register.memberships:
        by_person.setdefault(m.director, []).append(m)
    for person, seats in by_person.items():
        seats.sort(key=lambda m: m.period.start)
        for i, later in enumerate(seats):
            earlier = next(
                (e for e in seats[:i] if e.period.overlaps_period(later.period)), None
            )
            if earlier is not None:
                problems.append(
                    (
                        later.ref,
                        f"overlaps {person}'s membership {earlier.period.describe()}",
                    )
                )
    for det in register.determinations:
        if det.director not in known:
            problems.append(
                (det.ref, f"determination for {det.director!r}, who is not a director")
            )
        else:
            director = register.director(det.director)
            # a nominee may be determined before taking their seat; not after leaving
            if not any(p.end is None or det.on <= p.end for p in director.board):
                problems.append(
                    (
                        det.ref,
                        f"determination on {det.on.isoformat()} for {director.name}, "
                        "who is not a director or nominee on that date",
                    )
                )
    return problems
