from __future__ import annotations

from dataclasses import replace

from oversight.rules.charter.diff import diff
from oversight.rules.charter.format import load
from oversight.rules.charter.model import Annually, Section
from oversight.rules.charter.tests.helpers import LIBRARY

OSS = load(LIBRARY / "one-stop-systems.toml")


def test_identical_versions_have_no_difference():
    assert diff(OSS, OSS).empty


def test_text_and_obligation_changes_are_listed():
    meetings = OSS.section("meetings")
    new_meetings = replace(
        meetings, text=meetings.text.replace("four times", "five times")
    )
    mtg01 = OSS.obligation("AC-MTG-01")
    chr02 = OSS.obligation("AC-CHR-02")
    new = replace(
        OSS,
        version="2027",
        sections=(
            *(
                new_meetings if s.id == "meetings" else s
                for s in OSS.sections
                if s.id != "responsibilities-2"
            ),
            Section("ethics", "Ethics", "The Committee reviews the code of ethics."),
        ),
        obligations=(
            *(
                replace(o, cadence=Annually(12), remind_days_before=90)
                if o.id == "AC-CHR-02"
                else o
                for o in OSS.obligations
                if o.id != "AC-AUD-05"
            ),
            replace(mtg01, id="OSS-ETH-01", section="ethics"),
        ),
    )
    result = diff(OSS, new)
    assert (result.old_version, result.new_version) == ("as received", "2027")
    changes = {s.id: s for s in result.sections}
    assert changes["meetings"].change == "changed"
    assert any(
        line.startswith("-") and "four times" in line
        for line in changes["meetings"].diff
    )
    assert any(
        line.startswith("+") and "five times" in line
        for line in changes["meetings"].diff
    )
    assert changes["responsibilities-2"].change == "removed"
    assert changes["ethics"].change == "added"
    assert result.added == ("OSS-ETH-01",)
    assert result.removed == ("AC-AUD-05",)
    fields = {(c.obligation, c.field): (c.old, c.new) for c in result.changed}
    assert fields == {
        ("AC-CHR-02", "cadence"): (
            "annually (at most 15 months apart)",
            "annually (at most 12 months apart)",
        ),
        ("AC-CHR-02", "remind_days_before"): (str(chr02.remind_days_before), "90"),
    }


def test_parameter_and_role_changes_are_shown_in_words():
    mtg02 = OSS.obligation("AC-MTG-02")
    new = replace(
        OSS,
        obligations=tuple(
            replace(o, params={"kinds": ("session.auditor",)}, responsible=("chair",))
            if o.id == "AC-MTG-02"
            else o
            for o in OSS.obligations
        ),
    )
    fields = {c.field: (c.old, c.new) for c in diff(OSS, new).changed}
    assert fields["params"] == (
        "kinds=session.management, session.internal_audit, session.auditor",
        "kinds=session.auditor",
    )
    assert fields["responsible"] == (", ".join(mtg02.responsible), "chair")
