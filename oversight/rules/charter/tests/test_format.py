"""The charter file format: what loads, and every refusal naming its field and line."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.rules.charter.format import CharterFormatError, Problem, load, loads
from oversight.rules.charter.model import (
    Annually,
    AtLeastPerFiscalYear,
    ObligationKind,
    WithinDays,
)
from oversight.rules.charter.tests.helpers import LIBRARY

VALID = """\
format_version = 1

[charter]
company = "Fictional Co"
version = "v1"
adopted_on = 2026-01-15

[[sections]]
id = "meetings"
title = "Meetings"
text = \"\"\"
The Committee meets at least four times each year.
It reviews this charter annually.
\"\"\"

[[obligations]]
id = "AC-MTG-01"
section = "meetings"
title = "Four meetings"
clause = "The Committee meets at least four times each year."
kind = "recurring"
cadence = { type = "at_least_per_fiscal_year", n = 4 }
check = "count_per_fiscal_year"
params = { kinds = ["meeting.held"] }
responsible = ["chair"]

[[obligations]]
id = "AC-CHR-02"
section = "meetings"
title = "Charter review"
clause = "It reviews this charter annually."
kind = "recurring"
cadence = { type = "annually" }
check = "annual_occurrence"
params = { kinds = ["charter.reviewed"] }
"""


def refusal(source: str) -> tuple[Problem, ...]:
    with pytest.raises(CharterFormatError) as caught:
        loads(source)
    return caught.value.problems


def test_a_valid_file_loads_whole():
    charter = loads(VALID)
    assert (charter.company, charter.version, charter.adopted_on) == (
        "Fictional Co",
        "v1",
        date(2026, 1, 15),
    )
    assert [o.id for o in charter.obligations] == ["AC-MTG-01", "AC-CHR-02"]
    first, second = charter.obligations
    assert first.cadence == AtLeastPerFiscalYear(4)
    assert second.cadence == Annually(15)
    assert first.params == {"kinds": ("meeting.held",)}
    assert first.remind_days_before == 30
    assert [s.text for s in charter.section("meetings").sentences] == [
        "The Committee meets at least four times each year.",
        "It reviews this charter annually.",
    ]


@pytest.mark.parametrize("name", ["one-stop-systems.toml", "nasdaq-generic.toml"])
def test_the_library_charters_load(name):
    charter = load(LIBRARY / name)
    assert charter.obligations
    ids = [o.id for o in charter.obligations]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("old", "new", "path", "line", "words"),
    [
        (
            'type = "at_least_per_fiscal_year", n = 4',
            'type = "weekly", n = 4',
            "obligations[0].cadence.type",
            22,
            "unknown cadence 'weekly'",
        ),
        (
            'id = "AC-CHR-02"',
            'id = "AC-MTG-01"',
            "obligations[1].id",
            28,
            "duplicate obligation id 'AC-MTG-01'",
        ),
        (
            'check = "annual_occurrence"',
            'check = "annual_vibes"',
            "obligations[1].check",
            34,
            "unknown check 'annual_vibes'",
        ),
        (
            'section = "meetings"\ntitle = "Charter review"',
            'section = "charter"\ntitle = "Charter review"',
            "obligations[1].section",
            29,
            "section 'charter' is referenced but not defined",
        ),
        (
            'title = "Four meetings"\n',
            "",
            "obligations[0].title",
            16,
            "required field is missing",
        ),
        (
            "adopted_on = 2026-01-15",
            'adopted_on = "last spring"',
            "charter.adopted_on",
            6,
            "expected a date (YYYY-MM-DD), found a string",
        ),
        (
            "adopted_on = 2026-01-15",
            "adopted_on = 2026-01-15T10:00:00Z",
            "charter.adopted_on",
            6,
            "expected a date",
        ),
        ('version = "v1"\n', "", "charter.version", 3, "required field is missing"),
        (
            "format_version = 1",
            "format_version = 2",
            "format_version",
            1,
            "unsupported version 2",
        ),
        (
            "format_version = 1",
            "format_version = true",
            "format_version",
            1,
            "expected an integer",
        ),
        (
            'responsible = ["chair"]',
            'responsible = ["janitor"]',
            "obligations[0].responsible",
            25,
            "unknown role 'janitor'",
        ),
        (
            'kind = "recurring"\ncadence = { type = "annually" }',
            'kind = "sometimes"\ncadence = { type = "annually" }',
            "obligations[1].kind",
            32,
            "unknown kind 'sometimes'",
        ),
        (
            'params = { kinds = ["charter.reviewed"] }',
            'params = { kinds = ["charter.burned"] }',
            "obligations[1].params.kinds",
            35,
            "unknown fact kind 'charter.burned'",
        ),
        (
            'params = { kinds = ["charter.reviewed"] }',
            'params = { kinds = ["charter.reviewed"], n = 3 }',
            "obligations[1].params.n",
            35,
            "unknown parameter",
        ),
        (
            'params = { kinds = ["charter.reviewed"] }',
            "params = { }",
            "obligations[1].params.kinds",
            35,
            "required parameter is missing",
        ),
        (
            'params = { kinds = ["charter.reviewed"] }',
            "params = { kinds = [] }",
            "obligations[1].params.kinds",
            35,
            "non-empty array",
        ),
        (
            'clause = "It reviews this charter annually."',
            'clause = "It reviews the bylaws annually."',
            "obligations[1].clause",
            31,
            "is not quoted from section 'meetings'",
        ),
        (
            'clause = "It reviews this charter annually."',
            "clause = []",
            "obligations[1].clause",
            31,
            "non-empty string",
        ),
        (
            'cadence = { type = "annually" }',
            'cadence = { type = "annually", max_gap_months = 0 }',
            "obligations[1].cadence.max_gap_months",
            33,
            "must be 1 or more",
        ),
        (
            'cadence = { type = "annually" }',
            'cadence = { type = "annually", every = 2 }',
            "obligations[1].cadence.every",
            33,
            "unknown field for cadence 'annually'",
        ),
        (
            'cadence = { type = "annually" }',
            'cadence = { type = "at_least_per_fiscal_year" }',
            "obligations[1].cadence.n",
            33,
            "needs n",
        ),
        (
            'cadence = { type = "annually" }',
            'cadence = { type = "at_least_per_fiscal_year", n = 2 }',
            "obligations[1].cadence",
            33,
            "takes annually, not at_least_per_fiscal_year",
        ),
        (
            'cadence = { type = "annually" }',
            'cadence = "annually"',
            "obligations[1].cadence",
            33,
            "expected a table",
        ),
        (
            'cadence = { type = "annually" }\n',
            "",
            "obligations[1].cadence",
            27,
            "a recurring obligation needs a cadence",
        ),
        (
            'id = "AC-CHR-02"',
            'id = "charter review"',
            "obligations[1].id",
            28,
            "must look like AC-MTG-01",
        ),
        (
            'id = "meetings"',
            'id = "Meetings!"',
            "sections[0].id",
            9,
            "lowercase letters",
        ),
        (
            'company = "Fictional Co"',
            'company = "Fictional Co"\nmotto = "x"',
            "charter.motto",
            5,
            "unknown field",
        ),
        (
            'responsible = ["chair"]',
            'responsible = ["chair"]\nremind_days_before = -1',
            "obligations[0].remind_days_before",
            26,
            "zero or more",
        ),
    ],
)
def test_refusals_name_the_field_and_line(old, new, path, line, words):
    assert old in VALID
    problems = refusal(VALID.replace(old, new, 1))
    matching = [p for p in problems if p.path == path]
    assert matching, problems
    assert matching[0].line == line
    assert words in matching[0].message
    assert f"line {line}: {path}: " in str(matching[0])


def test_informational_needs_a_reason_and_no_check():
    source = VALID.replace(
        'kind = "recurring"\ncadence = { type = "annually" }\ncheck = "annual_occurrence"\nparams = { kinds = ["charter.reviewed"] }',
        'kind = "informational"',
    )
    (problem,) = refusal(source)
    assert (problem.path, problem.line) == ("obligations[1].reason", 27)
    charter = loads(
        source.replace(
            'kind = "informational"', 'kind = "informational"\nreason = "Context only."'
        )
    )
    informational = charter.obligations[1]
    assert (informational.kind, informational.check, informational.reason) == (
        ObligationKind.INFORMATIONAL,
        "informational",
        "Context only.",
    )


def test_triggered_takes_within_days():
    source = VALID.replace(
        'kind = "recurring"\ncadence = { type = "annually" }\ncheck = "annual_occurrence"\nparams = { kinds = ["charter.reviewed"] }',
        'kind = "triggered"\ncadence = { type = "within_days", days = 30, trigger_kind = "auditor.service_unapproved" }\n'
        'check = "within_days_of_trigger"\nparams = { kind = "auditor.service_approved", link = "unapproved" }',
    )
    assert loads(source).obligations[1].cadence == WithinDays(
        30, "auditor.service_unapproved"
    )
    bad = source.replace(
        'trigger_kind = "auditor.service_unapproved"', 'trigger_kind = "sky.falling"'
    )
    assert "unknown fact kind 'sky.falling'" in refusal(bad)[0].message
    annual = source.replace(
        'cadence = { type = "within_days", days = 30, trigger_kind = "auditor.service_unapproved" }',
        'cadence = { type = "annually" }',
    )
    assert any(
        "a triggered obligation takes a within_days or as_needed cadence" in p.message
        for p in refusal(annual)
    )


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ('{ kind = "sky.falling" }', "unknown fact kind 'sky.falling'"),
        ('{ kind = "auditor.service_approved", link = 3 }', "expected a string"),
    ],
)
def test_parameter_types_are_checked(params, words):
    source = VALID.replace(
        'cadence = { type = "annually" }\ncheck = "annual_occurrence"\nparams = { kinds = ["charter.reviewed"] }',
        f'cadence = {{ type = "within_days", days = 30, trigger_kind = "auditor.service_unapproved" }}\ncheck = "within_days_of_trigger"\nparams = {params}',
    )
    assert any(words in p.message for p in refusal(source))


@pytest.mark.parametrize(
    ("params", "words"),
    [
        (
            '{ kinds = ["complaints.case_treated"], where = { late = 1.5 } }',
            "table of strings",
        ),
        ('{ kinds = ["complaints.case_treated"], requires = "x" }', "non-empty array"),
    ],
)
def test_none_of_parameters(params, words):
    source = VALID.replace(
        'kind = "recurring"\ncadence = { type = "annually" }\ncheck = "annual_occurrence"\nparams = { kinds = ["charter.reviewed"] }',
        f'kind = "continuous"\ncheck = "none_of"\nparams = {params}',
    )
    assert any(words in p.message for p in refusal(source))


def test_on_record_age_must_be_a_whole_number():
    source = VALID.replace(
        'kind = "recurring"\ncadence = { type = "annually" }\ncheck = "annual_occurrence"\nparams = { kinds = ["charter.reviewed"] }',
        'kind = "continuous"\ncheck = "on_record"\nparams = { kinds = ["auditor.policy_adopted"], max_age_months = "a year" }',
    )
    assert any("whole number" in p.message for p in refusal(source))


def test_every_problem_is_reported_at_once_and_nothing_is_returned():
    source = VALID.replace('check = "annual_occurrence"', 'check = "nope"').replace(
        "n = 4", 'n = "four"'
    )
    problems = refusal(source)
    assert {p.path for p in problems} == {
        "obligations[0].cadence.n",
        "obligations[1].check",
    }


def test_invalid_toml_names_its_line():
    (problem,) = refusal(VALID.replace('version = "v1"', "version = v1"))
    assert problem.line == 5
    assert "not valid TOML" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("[[sections]]\nid", "[sections.x]\nid", "sections"),
        ("[charter]", "[charterx]", "charter"),
        ('[[obligations]]\nid = "AC-MTG-01"', '[[extra]]\nid = "AC-MTG-01"', "extra"),
    ],
)
def test_structure_problems_are_named(old, new, path):
    problems = refusal(VALID.replace(old, new, 1))
    assert any(p.path == path or p.path.startswith(path) for p in problems), problems


def test_a_table_header_after_an_obligation_attaches_to_it():
    source = VALID.replace(
        'params = { kinds = ["charter.reviewed"] }',
        '\n[obligations.params]\nkinds = ["charter.burned"]',
    )
    problems = refusal(source)
    assert (problems[0].path, problems[0].line) == ("obligations[1].params.kinds", 36)


def test_keys_inside_multiline_text_are_not_mistaken_for_fields():
    source = VALID.replace(
        "It reviews this charter annually.\n",
        "It reviews this charter annually.\nid = not a key\n",
    ).replace('id = "meetings"', 'id = "Meetings"')
    problems = refusal(source)
    assert (problems[0].path, problems[0].line) == ("sections[0].id", 9)


def test_a_duplicate_section_is_refused():
    source = VALID.replace(
        "[[obligations]]",
        '[[sections]]\nid = "meetings"\ntitle = "Again"\ntext = "Again."\n\n[[obligations]]',
        1,
    )
    assert any("duplicate section id 'meetings'" in p.message for p in refusal(source))


def test_entries_must_be_tables():
    problems = refusal(
        VALID.replace(
            "format_version = 1",
            'format_version = 1\nsections = ["x"]\nobligations = [1]',
        ).split("[charter]")[0]
        + '[charter]\ncompany = "C"\nversion = "v"\nadopted_on = 2026-01-01\n'
    )
    assert {p.path for p in problems} == {"sections[0]", "obligations[0]"}


@pytest.mark.parametrize(
    ("old", "path", "line"),
    [
        ('id = "meetings"\n', "sections[0].id", 8),
        (
            'kind = "recurring"\ncadence = { type = "at_least_per_fiscal_year", n = 4 }\n',
            "obligations[0].kind",
            16,
        ),
        (
            'section = "meetings"\ntitle = "Charter review"\n',
            "obligations[1].section",
            27,
        ),
        ('clause = "It reviews this charter annually."\n', "obligations[1].clause", 27),
        ('check = "annual_occurrence"\n', "obligations[1].check", 27),
        ('id = "AC-CHR-02"\n', "obligations[1].id", 27),
    ],
)
def test_each_missing_field_is_named(old, path, line):
    assert old in VALID
    problems = refusal(VALID.replace(old, "", 1))
    assert (path, line, "required field is missing") in [
        (p.path, p.line, p.message) for p in problems
    ]
