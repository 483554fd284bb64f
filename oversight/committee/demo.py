"""The demo company's directors and a year of committee history (fictional people)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from oversight.accounts.models import Company, User
from oversight.committee import models as m
from oversight.committee import services
from oversight.rules.composition.facts import AcfeAttribute, AcfeRoute

ALL_PASS = dict.fromkeys(
    (
        "AC-IND-01",
        "AC-IND-02",
        "AC-IND-03",
        "AC-IND-04",
        "AC-IND-05",
        "AC-IND-06",
        "AC-IND-10",
        "AC-IND-11",
    ),
    "pass",
)


def _years(today: date, n: int) -> date:
    return date(today.year - n, 1, 15)


def populate(company: Company, personas: dict[str, User], *, today: date) -> None:
    """Directors, a year of memberships (a resignation, a cure period, a new member),
    qualifications, determinations, a business relationship and a questionnaire."""
    if m.Director.objects.filter(company=company).exists():
        return
    fay = personas["fay"]
    services.set_listing(company, actor=fay, listing_date=date(2016, 5, 2), ipo=False)
    for year in (today.year - 1, today.year, today.year + 1):
        services.add_annual_meeting(company, actor=fay, held_on=date(year, 6, 10))
    fy = (
        today.year
        if (today.month, today.day)
        <= (company.fiscal_year_end_month, company.fiscal_year_end_day)
        else today.year + 1
    )
    for year in range(fy - 3, fy + 1):
        services.record_company_revenue(
            company,
            actor=fay,
            fiscal_year=year,
            amount=Decimal(60_000_000 + 5_000_000 * (year - fy)),
        )

    def director(
        name: str, since: date, user: User | None = None, until: date | None = None
    ) -> m.Director:
        return services.create_director(
            company, actor=fay, name=name, board_start=since, board_end=until, user=user
        )

    ada = director("Ada Chairwell", _years(today, 7), personas["ada"])
    ben = director("Ben Member", _years(today, 6), personas["ben"])
    hal = director("Hal Observer", _years(today, 2), personas["hal"])
    lou = director(
        "Lou Formerly (fictional)", _years(today, 8), until=today - timedelta(days=200)
    )
    kit = director("Kit Newcomb (fictional)", _years(today, 3))

    found = _years(today, 5)
    for d in (ada, ben, hal, lou, kit):
        services.record_fact(
            d,
            actor=fay,
            kind="literacy",
            values={"on": found, "literate": True},
            check=False,
        )
    services.record_qualifications(
        ada, actor=fay, on=found, literate=True, basis="cfo", basis_description="former chief financial officer",
        acfe_attributes=[a.value for a in AcfeAttribute], acfe_routes=[AcfeRoute.EDUCATION_AND_EXPERIENCE.value],
        resolution="BR-ACFE-1", check=False,
    )  # fmt: skip
    northwind = services.create_organisation(
        company, actor=fay, name="Northwind Logistics (fictional)"
    )
    services.record_fact(ben, actor=fay, kind="org_role", check=False, values={
        "organisation": northwind, "role": "executive_officer", "starts_on": _years(today, 4)})  # fmt: skip
    for year in range(fy - 3, fy + 1):
        services.record_organisation_revenue(
            northwind,
            actor=fay,
            fiscal_year=year,
            amount=Decimal(9_000_000),
            check=False,
        )
        services.record_payment(northwind, actor=fay, fiscal_year=year, direction="to_organisation",
                                amount=Decimal(180_000), category="goods", check=False)  # fmt: skip
    services.record_fact(ben, actor=fay, kind="compensation", check=False, values={
        "paid_on": today - timedelta(days=100), "amount": Decimal(60_000), "kind": "board_fees"})  # fmt: skip

    # The board determines independence every year, before the members are first seated.
    determined = today - timedelta(days=330)
    for years_back in (4, 3, 2, 1, 0):
        on = determined - timedelta(days=365 * years_back)
        for d in (ada, ben, lou, hal):
            services.record_determination(d, actor=fay, on=on, resolution=f"BR-{on.year}-IND",
                                          independent=True, verdicts=ALL_PASS, check=False,
                                          subjective_factors="Ordinary-course purchases below the thresholds.")  # fmt: skip
    seated = _years(today, 4)
    services.appoint_member(ada, actor=fay, starts_on=seated, chair=True, check=False)
    services.appoint_member(ben, actor=fay, starts_on=seated, check=False)
    lou_seat = services.appoint_member(lou, actor=fay, starts_on=seated, check=False)
    services.end_membership(
        lou_seat,
        actor=fay,
        ends_on=today - timedelta(days=200),
        reason="resignation",
        check=False,
    )
    services.record_determination(kit, actor=fay, on=today - timedelta(days=160), resolution=f"BR-{today.year}-KIT",
                                  independent=True, verdicts=ALL_PASS, check=False)  # fmt: skip
    services.appoint_member(
        kit, actor=fay, starts_on=today - timedelta(days=150), check=False
    )
    questionnaire = services.issue_questionnaire(
        company, actor=fay, title=f"Annual independence questionnaire {today.year}",
        issued_on=today - timedelta(days=30), due_on=today + timedelta(days=14),
    )  # fmt: skip
    response = questionnaire.responses.get(director=ada)
    services.submit_questionnaire(
        response,
        actor=personas["ada"],
        answers=services.Answers(voting_pct=Decimal("0.4")),
        on=today - timedelta(days=20),
    )
    services.check_composition(company, actor=fay, as_of=today)
