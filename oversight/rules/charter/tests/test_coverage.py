from __future__ import annotations

import pytest

from oversight.rules.charter.coverage import coverage, quotes, split_sentences
from oversight.rules.charter.format import load
from oversight.rules.charter.model import ObligationKind
from oversight.rules.charter.tests.helpers import LIBRARY, charter_of, obligation


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two.", ["One.", "Two."]),
        (
            "Meets with One Stop Systems, Inc. Each year it reports.",
            ["Meets with One Stop Systems, Inc. Each year it reports."],
        ),
        (
            "Lead in:\n- first item\n- second item\n  continued",
            ["Lead in:", "first item", "second item continued"],
        ),
        (
            "1. Manage it, including:\n - select\n2. Review it.",
            ["Manage it, including:", "select", "Review it."],
        ),
        ("Para one.\n\nPara two\nwraps.", ["Para one.", "Para two wraps."]),
        (
            "Under SAS 61 (Communication with Audit committees)",
            ["Under SAS 61 (Communication with Audit committees)"],
        ),
        ("e.g. this. (A) That.", ["e.g. this.", "(A) That."]),
        ("", []),
    ],
)
def test_split_sentences(text, sentences):
    assert [s.text for s in split_sentences(text)] == sentences
    assert [s.index for s in split_sentences(text)] == list(
        range(1, len(sentences) + 1)
    )


def test_quotes_ignores_spacing_and_case():
    assert quotes(
        "meet  at least\nfour times",
        "The Committee shall Meet at least four times each year.",
    )
    assert quotes("Whole sentence. And more.", "whole sentence.")
    assert not quotes("five times", "four times")


def test_one_stop_systems_is_fully_covered():
    report = coverage(load(LIBRARY / "one-stop-systems.toml"))
    assert report.percent == 100.0
    assert report.uncovered == ()
    assert report.total == 27
    meet = next(
        row
        for row in report.rows
        if row.text.startswith("The Audit Committee shall meet")
    )
    assert meet.obligations == ("AC-MTG-01",)
    purpose = report.rows[0]
    assert purpose.obligations == ("AC-CHR-01",)
    assert purpose.informational
    assert "5605(c)(1)" in purpose.informational[0]


def test_every_oss_sentence_has_a_duty_or_a_reason():
    charter = load(LIBRARY / "one-stop-systems.toml")
    for o in charter.obligations:
        if o.kind is ObligationKind.INFORMATIONAL:
            assert o.reason
        else:
            assert o.check != "informational"
            assert o.source


def test_uncovered_sentences_are_listed():
    charter = charter_of(
        obligation("informational", okind=ObligationKind.INFORMATIONAL, reason="r")
    )
    charter = type(charter)(
        company=charter.company,
        version=charter.version,
        adopted_on=charter.adopted_on,
        sections=(
            type(charter.sections[0])(
                "s", "S", "duty. Second task.", split_sentences("duty. Second task.")
            ),
        ),
        obligations=charter.obligations,
    )
    report = coverage(charter)
    assert (report.covered, report.total, report.percent) == (1, 2, 50.0)
    assert [row.text for row in report.uncovered] == ["Second task."]


def test_an_empty_charter_is_trivially_covered():
    assert coverage(charter_of()).percent == 100.0
