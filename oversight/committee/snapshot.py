"""The register as the pure rules see it: ORM rows in, a frozen ``Register`` out.

This is the only bridge between the committee's tables and
``oversight.rules.composition``. Every fact keeps a reference to its row
(``committee.<model>:<pk>``) so a verdict can point back at it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Model

from oversight.accounts.models import Company
from oversight.committee import models as m
from oversight.rules.composition import facts as f
from oversight.rules.core import Verdict


def ref(row: Model) -> str:
    return f"{row._meta.label_lower}:{row.pk}"


def _period(start: Any, end: Any) -> f.Period:
    return f.Period(start, end)


def company_info(company: Company) -> f.CompanyInfo:
    listing = m.ListingProfile.objects.filter(company=company).first()
    meetings = tuple(
        m.AnnualMeeting.objects.filter(company=company).values_list(
            "held_on", flat=True
        )
    )
    revenues = tuple(
        (fy, Decimal(amount))
        for fy, amount in m.CompanyRevenue.objects.filter(company=company).values_list(
            "fiscal_year", "amount"
        )
    )
    return f.CompanyInfo(
        name=company.name,
        fiscal_year_end=(company.fiscal_year_end_month, company.fiscal_year_end_day),
        listing_date=listing.listing_date if listing else None,
        registration_effective=listing.registration_effective if listing else None,
        ipo=listing.ipo if listing else False,
        annual_meetings=meetings,
        revenues=revenues,
        min_members=listing.min_members if listing else 3,
        max_audit_committees=listing.max_audit_committees if listing else 3,
        requires_acfe=listing.requires_acfe if listing else True,
        ref=ref(listing) if listing else f"accounts.company:{company.pk}",
    )


def _by_holder(rows: Any) -> dict[tuple[int, int | None], list[Any]]:
    grouped: dict[tuple[int, int | None], list[Any]] = defaultdict(list)
    for row in rows:
        grouped[(row.director_id, row.family_member_id)].append(row)
    return grouped


def load_register(company: Company) -> f.Register:
    """The company's whole composition register as frozen facts (a fixed number of queries)."""
    directors = list(m.Director.objects.filter(company=company))
    family = list(m.FamilyMember.objects.filter(director__company=company))
    scope = {"director__company": company}
    jobs = _by_holder(m.Employment.objects.filter(**scope))
    pay = _by_holder(m.Compensation.objects.filter(**scope))
    roles = _by_holder(m.OrgRole.objects.filter(**scope).select_related("organisation"))
    auditor = _by_holder(m.AuditorRole.objects.filter(**scope))
    locks = _by_holder(m.Interlock.objects.filter(**scope))
    holdings = _by_holder(m.ShareHolding.objects.filter(**scope))
    prep = _by_holder(m.FsPreparation.objects.filter(**scope))
    literacy = _by_holder(m.Literacy.objects.filter(**scope))
    soph = _by_holder(m.Sophistication.objects.filter(**scope))
    acfe = _by_holder(m.AcfeDesignation.objects.filter(**scope))
    others = _by_holder(m.OtherAuditCommittee.objects.filter(**scope))

    def person_facts(key: tuple[int, int | None]) -> dict[str, Any]:
        return {
            "employments": tuple(
                f.Employment(
                    _period(j.starts_on, j.ends_on),
                    j.title,
                    j.employer,
                    j.executive_officer,
                    j.interim,
                    ref(j),
                )
                for j in jobs[key]
            ),
            "compensation": tuple(
                f.Compensation(
                    c.paid_on,
                    c.amount,
                    f.CompensationKind(c.kind),
                    c.description,
                    ref(c),
                )
                for c in pay[key]
            ),
            "org_roles": tuple(
                f.OrgRole(
                    str(r.organisation_id),
                    f.OrgRoleKind(r.role),
                    _period(r.starts_on, r.ends_on),
                    ref(r),
                )
                for r in roles[key]
            ),
            "auditor_roles": tuple(
                f.AuditorRole(
                    f.AuditorRoleKind(a.role),
                    _period(a.starts_on, a.ends_on),
                    a.worked_on_audit,
                    a.firm,
                    ref(a),
                )
                for a in auditor[key]
            ),
            "interlocks": tuple(
                f.Interlock(
                    i.entity,
                    _period(i.executive_from, i.executive_to),
                    _period(i.committee_from, i.committee_to),
                    i.our_officer,
                    ref(i),
                )
                for i in locks[key]
            ),
        }

    family_by_director: dict[int, list[f.FamilyMember]] = defaultdict(list)
    for member in family:
        family_by_director[member.director_id].append(
            f.FamilyMember(
                id=str(member.pk),
                name=member.name,
                relationship=f.Relationship(member.relationship),
                minor=member.minor,
                shares_home=member.shares_home,
                ref=ref(member),
                **person_facts((member.director_id, member.pk)),
            )
        )
    pure_directors = []
    for d in directors:
        key = (d.pk, None)
        pure_directors.append(
            f.Director(
                id=str(d.pk),
                name=d.name,
                board=(_period(d.board_start, d.board_end),),
                family=tuple(family_by_director[d.pk]),
                holdings=tuple(
                    f.ShareHolding(h.on, h.voting_pct, ref(h)) for h in holdings[key]
                ),
                fs_preparation=tuple(
                    f.FsPreparation(
                        _period(p.starts_on, p.ends_on), p.description, ref(p)
                    )
                    for p in prep[key]
                ),
                literacy=tuple(
                    f.LiteracyAttestation(x.on, x.literate, ref(x))
                    for x in literacy[key]
                ),
                sophistication=tuple(
                    f.Sophistication(
                        s.on, f.SophisticationBasis(s.basis), s.description, ref(s)
                    )
                    for s in soph[key]
                ),
                acfe=tuple(
                    f.AcfeDesignation(
                        a.on,
                        frozenset(f.AcfeAttribute(x) for x in a.attributes),
                        frozenset(f.AcfeRoute(x) for x in a.routes),
                        a.other_experience,
                        a.resolution,
                        ref(a),
                    )
                    for a in acfe[key]
                ),
                other_audit_committees=tuple(
                    f.OtherAuditCommittee(
                        o.company_name, _period(o.starts_on, o.ends_on), ref(o)
                    )
                    for o in others[key]
                ),
                ref=ref(d),
                **person_facts(key),
            )
        )
    organisations = []
    orgs = m.Organisation.objects.filter(company=company).prefetch_related(
        "revenues", "payments"
    )
    for org in orgs:
        organisations.append(
            f.Organisation(
                id=str(org.pk),
                name=org.name,
                revenues=tuple((r.fiscal_year, r.amount) for r in org.revenues.all()),
                payments=tuple(
                    f.OrgPayment(
                        p.fiscal_year,
                        f.Direction(p.direction),
                        p.amount,
                        f.ServiceCategory(p.category),
                        p.paid_on,
                        f.PaymentExemption(p.exempt) if p.exempt else None,
                        ref(p),
                    )
                    for p in org.payments.all()
                ),
                sole_proprietorship=org.sole_proprietorship,
                ref=ref(org),
            )
        )
    memberships = tuple(
        f.Membership(
            str(s.director_id),
            _period(s.starts_on, s.ends_on),
            s.chair,
            f.EndReason(s.end_reason) if s.end_reason else None,
            s.exception,
            ref(s),
        )
        for s in m.Membership.objects.filter(director__company=company)
    )
    determinations = tuple(
        f.BoardDetermination(
            str(d.director_id),
            d.on,
            d.resolution,
            d.independent,
            tuple((rule, Verdict(v)) for rule, v in d.verdicts.items()),
            d.subjective_factors,
            d.exception_finding,
            d.over_boarding_approved,
            ref(d),
        )
        for d in m.Determination.objects.filter(company=company)
    )
    return f.Register(
        company=company_info(company),
        directors=tuple(pure_directors),
        organisations=tuple(organisations),
        memberships=memberships,
        determinations=determinations,
    )
