"""Draft proxy text: director independence, a non-independent member, the financial expert.

Item 407(a) (independence), 407(d)(2) (a member seated under the exception) and
407(d)(5) (the audit committee financial expert). The text is a draft for counsel.
"""

from __future__ import annotations

from oversight.rules.composition.committee import CommitteeReport
from oversight.rules.core import Verdict


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def draft(report: CommitteeReport, company_name: str) -> list[tuple[str, str]]:
    """Paragraphs of the draft, each with its heading."""
    members = list(report.members)
    names = [m.director.name for m in members]
    independent = [
        m.director.name for m in members if m.independent and not m.seated_by_exception
    ]
    chair = next(
        (m.director.name for m in members if m.membership and m.membership.chair), None
    )
    paragraphs = [
        (
            "Audit committee",
            f"{company_name} has a separately designated standing audit committee established under "
            f"Section 3(a)(58)(A) of the Exchange Act. As of {report.as_of:%B} {report.as_of.day}, {report.as_of.year} its members are "
            f"{_names(names) or 'none'}{f', and {chair} is its chair' if chair else ''}.",
        ),
        (
            "Independence",
            f"The board has determined that {_names(independent) or 'no member'} "
            f"{'is' if len(independent) == 1 else 'are'} independent under Nasdaq Rule 5605(a)(2) and meet"
            f"{'s' if len(independent) == 1 else ''} the criteria of Rule 10A-3(b)(1) under the Exchange Act.",
        ),
    ]
    considered = [
        f"{m.director.name}: {m.determination.subjective_factors}"
        for m in members
        if m.determination is not None and m.determination.subjective_factors
    ]
    if considered:
        paragraphs.append(
            (
                "Relationships considered",
                "In determining independence the board considered the following: "
                + "; ".join(considered)
                + ".",
            )
        )
    for m in members:
        if m.seated_by_exception or not m.independent:
            reasons = (
                "; ".join(
                    o.message
                    for o in m.independence.nasdaq
                    if o.verdict is Verdict.FAIL
                )
                or m.nasdaq_independent.message
            )
            basis = (
                "under the exceptional and limited circumstances exception of Nasdaq Rule 5605(c)(2)(B), "
                "the board having determined that the appointment is required by the best interests of the "
                "company and its shareholders"
                if m.seated_by_exception
                else "although not independent"
            )
            paragraphs.append(
                (
                    "Non-independent member",
                    f"{m.director.name} serves on the audit committee {basis}. The relationship: {reasons}.",
                )
            )
    experts = [m for m in members if m.acfe.verdict is Verdict.PASS]
    if experts:
        text = " ".join(
            f"The board has determined that {e.director.name} is an audit committee financial expert as "
            f"defined in Item 407(d)(5) of Regulation S-K, and that {e.director.name} is "
            f"{'independent' if e.independent and not e.seated_by_exception else 'not independent'}."
            for e in experts
        )
    else:
        text = (
            "The board has determined that no member of the audit committee is an audit committee "
            "financial expert as defined in Item 407(d)(5) of Regulation S-K. [State why.]"
        )
    paragraphs.append(("Audit committee financial expert", text))
    return paragraphs
