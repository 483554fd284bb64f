"""Prohibited and restricted auditor services, and the screen every service request passes.

Reference data: the ten categories of Regulation S-X Rule 2-01(c)(4) (A1-A10) and the four
PCAOB prohibitions (P1-P4), in our own words with their carve-outs (rules.md Appendix A).
``screen_service`` routes a request from management: blocked (a prohibited service, with the
rule cited), the Rule 3524 steps for a tax service, the Rule 3525 steps for a non-audit
service related to internal control over financial reporting, approval in general under the
committee's policy, or a specific approval by the committee or a delegated member.

A keyword screen reads the description and flags likely prohibited categories for a person
to confirm. A flag never blocks by itself, and a flagged request is never approved in
general: it goes to the committee (or a delegate) for a specific decision.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from oversight.rules.auditor.common import ZERO, Category, money, term_last_day
from oversight.rules.core import Evidence, TestOutcome, Verdict

DEFAULT_TERM_MONTHS = 12


@dataclass(frozen=True, slots=True)
class ProhibitedService:
    """One category of service the auditor may not provide to its audit client."""

    code: str
    name: str
    caught: str
    carve_out: str
    rule: str
    results_not_audited_exception: (
        bool  # A1-A5: allowed if results escape audit procedures
    )
    keywords: tuple[str, ...]  # regular expressions, matched case-insensitively

    @property
    def outright(self) -> bool:
        return not self.results_not_audited_exception


_S_X = "Reg S-X 2-01(c)(4)"

PROHIBITED: tuple[ProhibitedService, ...] = (
    ProhibitedService(
        "A1",
        "Bookkeeping or other services related to the accounting records or financial statements",
        "Keeping or preparing the accounting records; preparing the financial statements filed "
        "with the SEC or that underlie them; preparing or originating source data.",
        "Allowed only if it is reasonable to conclude the results will not be subject to audit "
        "procedures.",
        f"{_S_X}(i)",
        True,
        (
            r"bookkeeping",
            r"prepar\w* (the |our |its )?(consolidated |annual |quarterly )?financial statements",
            r"(keep|maintain)\w* (the |our |its )?(accounting|books|general ledger)",
            r"post\w* journal entries",
            r"source data",
            r"payroll processing",
        ),
    ),
    ProhibitedService(
        "A2",
        "Financial information systems design and implementation",
        "Operating or supervising the client's information system or managing its network; "
        "designing or implementing hardware or software that aggregates source data for, or "
        "generates information significant to, the financial statements.",
        "Allowed only if it is reasonable to conclude the results will not be subject to audit "
        "procedures.",
        f"{_S_X}(ii)",
        True,
        (
            r"\berp\b",
            r"(design|implement)\w* (an? |the |our |its |new )?(financial|accounting|general ledger|consolidation)\w* (information )?(system|software)",
            r"system implementation",
            r"manag\w* (the |our |its )?network",
        ),
    ),
    ProhibitedService(
        "A3",
        "Appraisal or valuation services, fairness opinions, contribution-in-kind reports",
        "Any appraisal or valuation service, fairness opinion or contribution-in-kind report.",
        "Allowed only if it is reasonable to conclude the results will not be subject to audit "
        "procedures.",
        f"{_S_X}(iii)",
        True,
        (
            r"valuation",
            r"apprais\w*",
            r"fairness opinion",
            r"contribution[- ]in[- ]kind",
            r"purchase price allocation",
        ),
    ),
    ProhibitedService(
        "A4",
        "Actuarial services",
        "Actuarial advice that determines amounts recorded in the financial statements.",
        "Helping the client understand methods, models, assumptions and inputs is allowed; "
        "otherwise only if the results will not be subject to audit procedures.",
        f"{_S_X}(iv)",
        True,
        (r"actuar\w*",),
    ),
    ProhibitedService(
        "A5",
        "Internal audit outsourcing",
        "Outsourced internal audit work on internal accounting controls, financial systems or "
        "financial statements.",
        "Allowed only if it is reasonable to conclude the results will not be subject to audit "
        "procedures; managing the internal audit function is a management function (A6).",
        f"{_S_X}(v)",
        True,
        (
            r"internal audit outsourcing",
            r"outsourc\w* (of )?(the |our |its )?internal audit",
            r"co-?sourc\w* (of )?(the |our |its )?internal audit",
            r"perform\w* (the |our |its )?internal audit",
        ),
    ),
    ProhibitedService(
        "A6",
        "Management functions",
        "Acting, temporarily or permanently, as a director, officer or employee, or performing "
        "decision-making, supervisory or ongoing monitoring functions.",
        "None; loaned-staff arrangements have been treated as management functions.",
        f"{_S_X}(vi)",
        False,
        (
            r"interim (cfo|ceo|controller|treasurer|chief)",
            r"act\w* as (the |an? )?(interim |acting )?(cfo|ceo|controller|officer|director|employee|chief)",
            r"loan\w* staff",
            r"staff augmentation",
            r"secondment",
            r"ongoing monitoring",
        ),
    ),
    ProhibitedService(
        "A7",
        "Human resources",
        "Searching for or seeking out candidates for managerial, executive or director roles; "
        "psychological or other formal testing; reference checks for executive or director "
        "candidates; negotiating employment terms; recommending a specific candidate.",
        "On request, may interview and advise on the competence of candidates for financial "
        "accounting, administrative or control positions.",
        f"{_S_X}(vii)",
        False,
        (
            r"executive search",
            r"search for (a |an |the )?(new )?(cfo|ceo|director|executive|controller)",
            r"recruit\w*",
            r"reference checks?",
            r"psychological",
            r"negotiat\w* (the )?(employment|compensation) terms",
        ),
    ),
    ProhibitedService(
        "A8",
        "Broker-dealer, investment adviser or investment banking services",
        "Acting as broker-dealer, promoter or underwriter; making investment decisions or having "
        "discretion over investments; executing securities trades; having custody of assets.",
        "None.",
        f"{_S_X}(viii)",
        False,
        (
            r"broker",
            r"underwrit\w*",
            r"investment advi\w*",
            r"investment bank\w*",
            r"custody",
            r"execut\w* (securities |the )?trades",
            r"promoter",
        ),
    ),
    ProhibitedService(
        "A9",
        "Legal services",
        "Any service that requires the provider to be admitted to practise before the courts "
        "of a US jurisdiction.",
        "None.",
        f"{_S_X}(ix)",
        False,
        (
            r"legal services?",
            r"legal advice",
            r"legal counsel",
            r"act\w* as (the company's |our )?counsel",
            r"draft\w* (the )?(contracts|legal)",
        ),
    ),
    ProhibitedService(
        "A10",
        "Expert services unrelated to the audit",
        "Expert opinions or other expert services for the client or its lawyers to advocate its "
        "interests in litigation or regulatory or administrative proceedings or investigations.",
        "Giving factual accounts, including testimony, of work performed, or explaining positions "
        "taken, is allowed; assisting a committee or counsel's internal investigation generally is.",
        f"{_S_X}(x)",
        False,
        (
            r"expert witness",
            r"expert (testimony|opinion|report)",
            r"litigation support",
            r"advocat\w*",
        ),
    ),
    ProhibitedService(
        "P1",
        "Contingent fees or commissions",
        "Any service or product for a contingent fee or commission, or receiving one from the "
        "client, during the audit and professional engagement period.",
        "Fees fixed by courts or other public authorities are not contingent.",
        "PCAOB Rule 3521; Reg S-X 2-01(c)(5)",
        False,
        (r"contingent fee", r"success fee", r"commission"),
    ),
    ProhibitedService(
        "P2",
        "Tax services on confidential transactions",
        "Marketing, planning or opining in favour of the tax treatment of a confidential "
        "transaction.",
        "None.",
        "PCAOB Rule 3522(a)",
        False,
        (r"confidential (tax )?transaction",),
    ),
    ProhibitedService(
        "P3",
        "Tax services on aggressive tax position transactions",
        "Marketing, planning or opining in favour of a listed or reportable transaction, or one "
        "the firm initially recommended with tax avoidance as a significant purpose unless the "
        "treatment is at least more likely than not allowable.",
        "None.",
        "PCAOB Rule 3522(b)",
        False,
        (
            r"tax shelter",
            r"listed transaction",
            r"reportable transaction",
            r"aggressive tax",
            r"tax avoidance",
        ),
    ),
    ProhibitedService(
        "P4",
        "Tax services to persons in financial reporting oversight roles",
        "Tax services to a person in a financial reporting oversight role at the client, or to "
        "an immediate family member, during the professional engagement period.",
        "People in such a role only as directors, or only at an immaterial or separately "
        "audited affiliate; engagements in progress when the person was hired or promoted, "
        "completed within 180 days.",
        "PCAOB Rule 3523",
        False,
        (
            r"personal tax",
            r"individual (income )?tax returns?",
            r"tax returns? (of|for) (the )?(cfo|ceo|controller|chief|executives?|officers?)",
        ),
    ),
)

BY_CODE: dict[str, ProhibitedService] = {svc.code: svc for svc in PROHIBITED}

# Description hints that a non-audit service relates to internal control over financial
# reporting (Rule 3525) or is a tax service (Rule 3524) although not declared so.
ICFR_HINTS: tuple[str, ...] = (
    r"internal controls?",
    r"\bicfr\b",
    r"\bsox\b",
    r"sarbanes",
    r"section 404",
    r"control (design|testing|documentation)",
)
TAX_HINTS: tuple[str, ...] = (r"\btax(es|ation)?\b",)


@dataclass(frozen=True, slots=True)
class KeywordFlag:
    """The description matched a pattern: a likely category for a person to confirm."""

    code: str  # an Appendix A code, or "ICFR" / "TAX"
    matched: str
    message: str


def _find(patterns: tuple[str, ...], text: str) -> str | None:
    for pattern in patterns:
        found = re.search(pattern, text, flags=re.IGNORECASE)
        if found:
            return found.group(0)
    return None


def keyword_screen(description: str) -> tuple[KeywordFlag, ...]:
    """Likely prohibited categories named in ``description``, for a human to confirm."""
    flags: list[KeywordFlag] = []
    for svc in PROHIBITED:
        matched = _find(svc.keywords, description)
        if matched is not None:
            flags.append(
                KeywordFlag(
                    svc.code,
                    matched,
                    f"The description mentions {matched!r}, which suggests {svc.code} "
                    f"({svc.name}, {svc.rule}); a person must confirm the service is "
                    "permitted.",
                )
            )
    return tuple(flags)


class Outcome(StrEnum):
    """Where a service request goes next."""

    BLOCKED = "blocked"
    TOO_LATE = "too_late"
    REQUIRES_TAX_STEPS = "requires_tax_steps"
    REQUIRES_ICFR_STEPS = "requires_icfr_steps"
    APPROVED_UNDER_POLICY = "approved_under_policy"
    NEEDS_SPECIFIC_APPROVAL = "needs_specific_approval"


@dataclass(frozen=True, slots=True)
class TaxSteps:
    """PCAOB Rule 3524: what the auditor must do before a tax service is pre-approved."""

    scope_described_in_writing: bool = False
    fee_structure_described_in_writing: bool = False
    side_letters_disclosed: bool = False  # side letters, amendments, other agreements
    referral_arrangements_disclosed: bool = False  # third-party referral or fee-sharing
    independence_discussed: bool = False  # effects on independence, with the committee
    discussion_documented: bool = False

    def missing(self) -> tuple[str, ...]:
        labels = {
            "scope_described_in_writing": "the scope described in writing",
            "fee_structure_described_in_writing": "the fee structure described in writing",
            "side_letters_disclosed": "side letters, amendments or other agreements disclosed",
            "referral_arrangements_disclosed": "third-party referral or fee-sharing arrangements disclosed",
            "independence_discussed": "the effects on independence discussed with the committee",
            "discussion_documented": "the discussion documented",
        }
        return tuple(text for name, text in labels.items() if not getattr(self, name))


@dataclass(frozen=True, slots=True)
class IcfrSteps:
    """PCAOB Rule 3525: what the auditor must do before an ICFR-related non-audit service."""

    scope_described_in_writing: bool = False
    independence_discussed: bool = False
    discussion_documented: bool = False

    def missing(self) -> tuple[str, ...]:
        labels = {
            "scope_described_in_writing": "the scope described in writing",
            "independence_discussed": "the effects on independence discussed with the committee",
            "discussion_documented": "the discussion documented",
        }
        return tuple(text for name, text in labels.items() if not getattr(self, name))


@dataclass(frozen=True, slots=True)
class ServiceRequest:
    """Management's request that the auditor provide a service.

    ``nature`` is the Appendix A / PCAOB code management declares, or ``None`` when it
    declares the service outside every prohibited category. ``rationale_approved`` records
    that the committee approved a "results will not be subject to audit procedures"
    rationale (only relevant for A1-A5).
    """

    ref: str
    description: str
    category: Category
    fee_estimate: Decimal
    requested_on: date
    starts_on: date
    nature: str | None = None
    is_tax: bool = False
    icfr_related: bool = False
    contingent_fee: bool = False
    confidential_tax_transaction: bool = False
    aggressive_tax_transaction: bool = False
    tax_to_fror_person: bool = False
    rationale_approved: bool = False
    policy_item: str | None = None  # the policy item management says covers it
    tax_steps: TaxSteps = field(default_factory=TaxSteps)
    icfr_steps: IcfrSteps = field(default_factory=IcfrSteps)

    def __post_init__(self) -> None:
        if not isinstance(self.category, Category):
            raise ValueError(f"Unknown fee category {self.category!r}.")
        money(self.fee_estimate)
        if self.nature is not None and self.nature not in BY_CODE:
            raise ValueError(
                f"Unknown service nature {self.nature!r}: use one of "
                f"{', '.join(BY_CODE)} or none."
            )
        if not self.description.strip():
            raise ValueError("A service request needs a description.")

    @property
    def is_tax_service(self) -> bool:
        return self.is_tax or self.category is Category.TAX

    @property
    def needs_icfr_steps(self) -> bool:
        return self.icfr_related and self.category is not Category.AUDIT


@dataclass(frozen=True, slots=True)
class PolicyItem:
    """A service the committee pre-approves in general: named specifically, capped, for a term."""

    code: str
    service: (
        str  # the specific service named, e.g. "Review of federal income tax returns"
    )
    category: Category
    fee_cap: Decimal
    starts_on: date
    term_months: int = DEFAULT_TERM_MONTHS

    def __post_init__(self) -> None:
        money(self.fee_cap)
        if self.term_months < 1:
            raise ValueError("A policy item's term is at least one month.")
        if not self.service.strip():
            raise ValueError(
                "A policy item must name the specific service it pre-approves."
            )

    @property
    def ends_on(self) -> date:
        return term_last_day(self.starts_on, self.term_months)

    def covers_day(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True, slots=True)
class Policy:
    """A version of the committee's pre-approval policy, in force from its adoption."""

    version: int
    adopted_on: date
    items: tuple[PolicyItem, ...] = ()
    delegates: tuple[str, ...] = ()  # members to whom specific approval is delegated
    superseded_on: date | None = None  # the first day it no longer applies

    def in_force_on(self, day: date) -> bool:
        return self.adopted_on <= day and (
            self.superseded_on is None or day < self.superseded_on
        )

    def item(self, code: str) -> PolicyItem | None:
        return next((item for item in self.items if item.code == code), None)


@dataclass(frozen=True, slots=True)
class ScreenContext:
    """What the screen needs besides the request and the policy."""

    next_meeting_on: date | None = None
    used_under_item: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Decision:
    """Where a request goes, the rules that sent it there, and why, in words."""

    outcome: Outcome
    rule_ids: tuple[str, ...]
    reasons: tuple[str, ...]
    checks: tuple[TestOutcome, ...] = ()
    flags: tuple[KeywordFlag, ...] = ()
    prohibited: tuple[str, ...] = ()  # codes of the prohibited categories it falls in
    missing_steps: tuple[str, ...] = ()
    policy_item: str | None = None
    report_at_meeting_on: date | None = None
    delegates: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return " ".join(self.reasons)


def prohibited_codes(request: ServiceRequest) -> tuple[tuple[str, str], ...]:
    """(code, reason) for every prohibited category the declared request falls in."""
    found: list[tuple[str, str]] = []
    if request.nature is not None:
        svc = BY_CODE[request.nature]
        if svc.outright:
            found.append(
                (
                    svc.code,
                    f"{svc.code} {svc.name} is prohibited outright ({svc.rule}).",
                )
            )
        elif not request.rationale_approved:
            found.append(
                (
                    svc.code,
                    f"{svc.code} {svc.name} is prohibited ({svc.rule}) unless the committee "
                    "approves a rationale that its results will not be subject to audit "
                    "procedures; none is approved.",
                )
            )
    declared = (
        ("P1", request.contingent_fee, "it is offered for a contingent fee"),
        (
            "P2",
            request.confidential_tax_transaction,
            "it concerns a confidential tax transaction",
        ),
        (
            "P3",
            request.aggressive_tax_transaction,
            "it concerns an aggressive tax position transaction",
        ),
        (
            "P4",
            request.tax_to_fror_person,
            "it is a tax service to a person in a financial reporting oversight role",
        ),
    )
    for code, applies, why in declared:
        if applies and code != request.nature:
            svc = BY_CODE[code]
            found.append((code, f"{svc.name} is prohibited ({svc.rule}): {why}."))
    return tuple(found)


def screen_service(
    request: ServiceRequest, policy: Policy | None, context: ScreenContext
) -> Decision:
    """Route a service request (AC-SVC-01..04, AC-PRE-01, -02, -04, -05, -06).

    Charter: the committee shall "pre-approve all audit services" and "approve all permitted
    non-audit services", and "establish policies and procedures for their engagement".
    Exchange Act §10A(i)(1)(A): before the auditor is engaged, the engagement is approved by
    the committee or under pre-approval policies "detailed as to the particular service".
    """
    flags = keyword_screen(request.description)
    if request.category is not Category.AUDIT and not request.needs_icfr_steps:
        hint = _find(ICFR_HINTS, request.description)
        if hint is not None:
            flags += (
                KeywordFlag(
                    "ICFR",
                    hint,
                    f"The description mentions {hint!r}: if the service relates to internal "
                    "control over financial reporting, PCAOB Rule 3525 applies.",
                ),
            )
    if not request.is_tax_service:
        hint = _find(TAX_HINTS, request.description)
        if hint is not None:
            flags += (
                KeywordFlag(
                    "TAX",
                    hint,
                    f"The description mentions {hint!r}: if this is a tax service, PCAOB "
                    "Rule 3524 applies.",
                ),
            )
    evidence = (Evidence(request.ref, request.description, request.requested_on),)

    if request.requested_on > request.starts_on:
        reason = (
            f"The request is dated {request.requested_on.isoformat()}, after the service "
            f"began on {request.starts_on.isoformat()}: approval must precede the "
            "engagement (AC-PRE-01). A non-audit service may still qualify for the de "
            "minimis exception (AC-PRE-03)."
        )
        return Decision(
            Outcome.TOO_LATE,
            ("AC-PRE-01",),
            (reason,),
            checks=(TestOutcome("AC-PRE-01", Verdict.FAIL, reason, evidence),),
            flags=flags,
        )

    prohibited = prohibited_codes(request)
    if prohibited:
        return Decision(
            Outcome.BLOCKED,
            ("AC-SVC-01", *_pcaob_rule_ids(prohibited)),
            tuple(why for _, why in prohibited),
            checks=tuple(
                TestOutcome(
                    _rule_for(code), Verdict.FAIL, why, evidence, BY_CODE[code].rule
                )
                for code, why in prohibited
            ),
            flags=flags,
            prohibited=tuple(code for code, _ in prohibited),
        )

    checks: list[TestOutcome] = []
    missing: list[str] = []
    rule_ids: list[str] = []
    if request.is_tax_service:
        tax_missing = request.tax_steps.missing()
        checks.append(_steps_outcome("AC-PRE-04", "Rule 3524", tax_missing, evidence))
        missing.extend(f"Rule 3524: {step}" for step in tax_missing)
        if tax_missing:
            rule_ids.append("AC-PRE-04")
    if request.needs_icfr_steps:
        icfr_missing = request.icfr_steps.missing()
        checks.append(_steps_outcome("AC-PRE-05", "Rule 3525", icfr_missing, evidence))
        missing.extend(f"Rule 3525: {step}" for step in icfr_missing)
        if icfr_missing:
            rule_ids.append("AC-PRE-05")
    if missing:
        outcome = (
            Outcome.REQUIRES_TAX_STEPS
            if "AC-PRE-04" in rule_ids
            else Outcome.REQUIRES_ICFR_STEPS
        )
        reason = (
            "Before approval the auditor must complete: " + "; ".join(missing) + "."
        )
        return Decision(
            outcome,
            tuple(rule_ids),
            (reason,),
            checks=tuple(checks),
            flags=flags,
            missing_steps=tuple(missing),
        )

    general, why_not = _general_approval(request, policy, context)
    delegates = policy.delegates if policy is not None else ()
    if general is not None and not flags and request.nature is None:
        reason = (
            f"Approved in general under policy item {general.code} ({general.service}), "
            f"within its cap of {general.fee_cap} and its term ending "
            f"{general.ends_on.isoformat()}"
        )
        reason += (
            f"; to be listed for the meeting of {context.next_meeting_on.isoformat()}."
            if context.next_meeting_on is not None
            else "; to be listed for the next meeting (none scheduled yet)."
        )
        checks.append(TestOutcome("AC-PRE-06", Verdict.PASS, reason, evidence))
        return Decision(
            Outcome.APPROVED_UNDER_POLICY,
            ("AC-PRE-01", "AC-PRE-06"),
            (reason,),
            checks=tuple(checks),
            flags=flags,
            policy_item=general.code,
            report_at_meeting_on=context.next_meeting_on,
            delegates=delegates,
        )

    reasons = list(why_not)
    if general is not None and flags:
        reasons.append(
            "The keyword screen flagged the description, so a person must decide: "
            + " ".join(flag.message for flag in flags)
        )
    elif flags:
        reasons.extend(flag.message for flag in flags)
    if request.nature is not None:
        reasons.append(
            f"The committee approved a rationale for {request.nature}; the service itself "
            "still needs a specific approval."
        )
    who = (
        "a committee vote at a meeting, or a delegated independent member ("
        + ", ".join(delegates)
        + ") whose approval is reported at the next scheduled meeting"
        if delegates
        else "a committee vote at a meeting"
    )
    reasons.append(f"It needs a specific approval by {who}.")
    return Decision(
        Outcome.NEEDS_SPECIFIC_APPROVAL,
        ("AC-PRE-01", "AC-PRE-02") if delegates else ("AC-PRE-01",),
        tuple(reasons),
        checks=tuple(checks),
        flags=flags,
        report_at_meeting_on=context.next_meeting_on if delegates else None,
        delegates=delegates,
    )


def _rule_for(code: str) -> str:
    return {"P1": "AC-SVC-02", "P2": "AC-SVC-03", "P3": "AC-SVC-03"}.get(
        code, "AC-SVC-04" if code == "P4" else "AC-SVC-01"
    )


def _pcaob_rule_ids(prohibited: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    ids: list[str] = []
    for code, _ in prohibited:
        rule = _rule_for(code)
        if rule != "AC-SVC-01" and rule not in ids:
            ids.append(rule)
    return tuple(ids)


def _steps_outcome(
    rule_id: str, rule: str, missing: tuple[str, ...], evidence: tuple[Evidence, ...]
) -> TestOutcome:
    if missing:
        return TestOutcome(
            rule_id,
            Verdict.FAIL,
            f"{rule} steps outstanding: " + "; ".join(missing) + ".",
            evidence,
            f"PCAOB {rule}",
        )
    return TestOutcome(
        rule_id, Verdict.PASS, f"{rule} steps complete.", evidence, f"PCAOB {rule}"
    )


def _general_approval(
    request: ServiceRequest, policy: Policy | None, context: ScreenContext
) -> tuple[PolicyItem | None, tuple[str, ...]]:
    """The policy item that pre-approves this request in general, or why none does."""
    if request.policy_item is None:
        return None, ("No policy item was named for this service.",)
    if policy is None or not policy.in_force_on(request.requested_on):
        return None, (
            f"No pre-approval policy is in force on {request.requested_on.isoformat()}.",
        )
    item = policy.item(request.policy_item)
    if item is None:
        return None, (
            f"Policy version {policy.version} has no item {request.policy_item!r}.",
        )
    problems: list[str] = []
    if item.category is not request.category:
        problems.append(
            f"Policy item {item.code} covers {item.category.caption}, not "
            f"{request.category.caption}."
        )
    if not (
        item.covers_day(request.requested_on) and item.covers_day(request.starts_on)
    ):
        problems.append(
            f"Policy item {item.code}'s term runs from {item.starts_on.isoformat()} to "
            f"{item.ends_on.isoformat()}; the service starts {request.starts_on.isoformat()}."
        )
    used = context.used_under_item.get(item.code, ZERO)
    if used + request.fee_estimate > item.fee_cap:
        problems.append(
            f"Policy item {item.code}'s cap is {item.fee_cap}; {used} is already approved "
            f"under it and this request adds {request.fee_estimate}."
        )
    if problems:
        return None, tuple(problems)
    return item, ()
