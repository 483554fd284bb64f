"""``oversight composition``: evaluate a scenario file, or raise alerts as time passes.

``check FILE --as-of DATE [--json]`` exits 0 when the committee is compliant, 1 when it
is compliant only within a cure period, 3 when it is not compliant, 2 on bad input.
``export --company SLUG [--json]`` writes a company's register as a scenario file, to
try changes offline. ``alerts [--as-of DATE]`` re-evaluates every company's committee (idempotent; run it
daily from the scheduler) so that the passing of time raises and resolves alerts.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.accounts.models import Company
from oversight.committee.scenario_files import read_scenario_file
from oversight.committee.snapshot import load_register
from oversight.rules.composition.committee import (
    EXIT_BAD_INPUT,
    evaluate_committee,
    exit_code,
)
from oversight.rules.composition.facts import check_day
from oversight.rules.composition.scenario import (
    ScenarioError,
    register_as_dict,
    report_as_dict,
    report_as_text,
)


class Command(BaseCommand):
    help = "Evaluate audit committee composition: a scenario file (check) or every company (alerts)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="evaluate a scenario file (YAML or JSON)")
        check.add_argument("file", type=Path)
        check.add_argument(
            "--as-of", required=True, help="the date to evaluate, YYYY-MM-DD"
        )
        check.add_argument("--json", action="store_true", help="print JSON")
        export = sub.add_parser(
            "export", help="write a company's register as a scenario file"
        )
        export.add_argument("--company", required=True, help="the company's slug")
        export.add_argument("--json", action="store_true", help="JSON instead of YAML")
        alerts = sub.add_parser(
            "alerts", help="re-evaluate every company and raise or resolve alerts"
        )
        alerts.add_argument(
            "--as-of", help="the date to evaluate (default: today in each company)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            sys.exit(
                self.check_file(
                    options["file"], options["as_of"], as_json=options["json"]
                )
            )
        if options["action"] == "export":
            self.export(options["company"], as_json=options["json"])
            return
        self.alerts(options.get("as_of"))

    def export(self, slug: str, *, as_json: bool) -> None:
        company = Company.objects.filter(slug=slug).first()
        if company is None:
            raise CommandError(f"No company {slug!r}.", returncode=2)
        data = register_as_dict(load_register(company))
        if as_json:
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self.stdout.write(
                yaml.safe_dump(data, sort_keys=False, allow_unicode=True), ending=""
            )

    def _fail(self, lines: list[str], *, as_json: bool) -> int:
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "status": "bad_input",
                        "exit_code": EXIT_BAD_INPUT,
                        "errors": lines,
                    },
                    indent=2,
                )
            )
        else:
            self.stderr.write("\n".join(lines))
        return EXIT_BAD_INPUT

    def check_file(self, path: Path, as_of: str, *, as_json: bool) -> int:
        try:
            day = check_day(date.fromisoformat(as_of))
        except ValueError:
            return self._fail(
                [f"--as-of: expected a date like 2026-03-31, got {as_of!r}"],
                as_json=as_json,
            )
        try:
            register = read_scenario_file(path)
        except ScenarioError as exc:
            return self._fail([f"{path}: {p}" for p in exc.problems], as_json=as_json)
        report = evaluate_committee(register, day)
        if as_json:
            self.stdout.write(json.dumps(report_as_dict(report), indent=2))
        else:
            self.stdout.write(report_as_text(report), ending="")
        return exit_code(report.status)

    def alerts(self, as_of: str | None) -> None:
        from oversight.committee.services import check_composition

        day = date.fromisoformat(as_of) if as_of else None
        companies = Company.objects.filter(directors__isnull=False).distinct()
        for company in companies.order_by("pk"):
            report = check_composition(company, actor=None, as_of=day)
            self.stdout.write(f"{company.name}: {report.status.value}")
