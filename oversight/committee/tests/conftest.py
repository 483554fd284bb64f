"""A company with the demo committee: ada (chair, financial expert), ben and kit seated,
lou resigned 200 days ago, hal on the board but not on the committee."""

from __future__ import annotations

import pytest

from oversight.accounts.queries import company_today
from oversight.committee import demo
from oversight.committee import models as m


@pytest.fixture
def today(company):
    return company_today(company)


@pytest.fixture
def committee(company, personas, today):
    demo.populate(company, personas, today=today)
    return company


@pytest.fixture
def director(committee):
    def get(first_name):
        return m.Director.objects.get(company=committee, name__startswith=first_name)

    return get
