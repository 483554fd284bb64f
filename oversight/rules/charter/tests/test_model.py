from __future__ import annotations

import pytest

from oversight.rules.charter.model import (
    CADENCES,
    Annually,
    AsNeeded,
    AtLeastPerFiscalYear,
    EachRegularMeeting,
    Periodically,
    WithinDays,
)
from oversight.rules.charter.tests.helpers import charter_of, obligation


@pytest.mark.parametrize(
    ("cadence", "words"),
    [
        (AtLeastPerFiscalYear(4), "at least 4 per fiscal year"),
        (Annually(), "annually (at most 15 months apart)"),
        (EachRegularMeeting(), "at each regular meeting"),
        (
            WithinDays(30, "auditor.service_unapproved"),
            "within 30 days of each auditor.service_unapproved",
        ),
        (Periodically(2), "periodically (default 2 per fiscal year)"),
        (AsNeeded(), "as the committee deems necessary"),
    ],
)
def test_cadences_describe_themselves(cadence, words):
    assert cadence.describe() == words
    assert CADENCES[cadence.type] is type(cadence)


@pytest.mark.parametrize(
    ("cadence", "overrides", "n"),
    [
        (AtLeastPerFiscalYear(4), {"AC-TST-01": 9}, 4),
        (Periodically(1), {}, 1),
        (Periodically(1), {"AC-TST-01": 3}, 3),
        (Annually(), {}, 1),
        (None, {}, 1),
    ],
)
def test_per_year(cadence, overrides, n):
    assert obligation("count_per_fiscal_year", cadence).per_year(overrides) == n


def test_lookup_by_id():
    o = obligation("informational")
    charter = charter_of(o)
    assert charter.obligation("AC-TST-01") is o
    assert charter.section("s").title == "S"
    with pytest.raises(KeyError):
        charter.obligation("AC-NOPE-01")
    with pytest.raises(KeyError):
        charter.section("nope")
