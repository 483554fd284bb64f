"""``oversight charter import|show|diff|coverage``: charter files and stored versions."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.accounts.models import Company, User
from oversight.charters import queries, services
from oversight.rules.charter.coverage import coverage
from oversight.rules.charter.diff import diff
from oversight.rules.charter.format import CharterFormatError, load
from oversight.rules.charter.model import Charter


class Command(BaseCommand):
    help = "Import, show, compare and check the coverage of charters (files or stored versions)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="verb", required=True, metavar="{import,show,diff,coverage}"
        )
        imp = sub.add_parser(
            "import", help="validate a charter file and store it as a version"
        )
        imp.add_argument("file")
        imp.add_argument("--company", required=True)
        imp.add_argument(
            "--effective-from", help="YYYY-MM-DD (default: the adoption date)"
        )
        imp.add_argument(
            "--as", dest="actor", help="email of the person recorded as importing it"
        )
        imp.add_argument("--dry-run", action="store_true", help="validate only")
        for name, text in (
            ("show", "a charter's obligations"),
            ("coverage", "every sentence and what it became"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument(
                "target", help="a charter file, or a version label with --company"
            )
            p.add_argument("--company")
            p.add_argument("--json", action="store_true")
        d = sub.add_parser("diff", help="what changed between two charters")
        d.add_argument("old")
        d.add_argument("new")
        d.add_argument("--company")
        d.add_argument("--json", action="store_true")

    def _charter(self, target: str, company_slug: str | None) -> Charter:
        path = Path(target)
        if path.suffix == ".toml" or path.exists():
            try:
                return load(path)
            except FileNotFoundError:
                raise CommandError(f"No such file {target!r}.", returncode=2) from None
            except CharterFormatError as exc:
                raise CommandError(
                    f"{target} was refused:\n{exc}", returncode=2
                ) from None
        company = self._company(company_slug)
        version = queries.versions_of(company).filter(label=target).first()
        if version is None:
            raise CommandError(
                f"No version {target!r} of {company.slug}'s charter.", returncode=2
            )
        return queries.parsed(version)

    def _company(self, slug: str | None) -> Company:
        company = Company.objects.filter(slug=slug).first() if slug else None
        if company is None:
            raise CommandError(
                f"No company {slug!r} (give --company SLUG).", returncode=2
            )
        return company

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['verb']}")(options)

    def _import(self, options: dict[str, Any]) -> None:
        company = self._company(options["company"])
        try:
            source = Path(options["file"]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                f"Cannot read {options['file']}: {exc}", returncode=2
            ) from None
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email=options["actor"].lower()).first()
            if actor is None:
                raise CommandError(f"No user {options['actor']!r}.", returncode=2)
        try:
            effective = (
                date.fromisoformat(options["effective_from"])
                if options["effective_from"]
                else None
            )
        except ValueError:
            raise CommandError(
                "--effective-from is not a date (YYYY-MM-DD).", returncode=2
            ) from None
        try:
            if options["dry_run"]:
                charter = load(options["file"])
                self.stdout.write(
                    f"valid: {charter.company} version {charter.version}, {len(charter.obligations)} obligations"
                )
                return
            version = services.import_charter(
                company, actor=actor, source=source, effective_from=effective
            )
        except CharterFormatError as exc:
            raise CommandError(
                f"{options['file']} was refused; nothing was imported:\n{exc}",
                returncode=2,
            ) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from None
        self.stdout.write(
            f"imported version {version.label} ({version.obligation_count} obligations), effective {version.effective_from}"
        )

    def _show(self, options: dict[str, Any]) -> None:
        charter = self._charter(options["target"], options["company"])
        rows = [
            {
                "id": o.id,
                "section": o.section,
                "kind": o.kind.value,
                "cadence": o.cadence.describe() if o.cadence else None,
                "check": o.check,
                "title": o.title,
            }
            for o in charter.obligations
        ]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "company": charter.company,
                        "version": charter.version,
                        "obligations": rows,
                    },
                    indent=2,
                )
            )
            return
        self.stdout.write(
            f"{charter.company} · {charter.title} · version {charter.version} · adopted {charter.adopted_on}"
        )
        for r in rows:
            self.stdout.write(
                f"  {r['id']:<14} {r['kind']:<13} {r['cadence'] or '-':<40} {r['title']}"
            )

    def _coverage(self, options: dict[str, Any]) -> None:
        report = coverage(self._charter(options["target"], options["company"]))
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "percent": report.percent,
                        "covered": report.covered,
                        "total": report.total,
                        "sentences": [
                            {
                                "section": r.section,
                                "index": r.index,
                                "text": r.text,
                                "obligations": list(r.obligations),
                                "informational": list(r.informational),
                            }
                            for r in report.rows
                        ],
                    },
                    indent=2,
                )
            )
        else:
            for r in report.rows:
                became = ", ".join(r.obligations) or "NOT COVERED"
                if r.informational:
                    became += f" (informational: {r.informational[0]})"
                self.stdout.write(f"{r.section} {r.index}: {r.text}\n    -> {became}")
            self.stdout.write(
                f"coverage: {report.percent}% ({report.covered} of {report.total} sentences)"
            )
        if report.uncovered:
            sys.exit(1)

    def _diff(self, options: dict[str, Any]) -> None:
        result = diff(
            self._charter(options["old"], options["company"]),
            self._charter(options["new"], options["company"]),
        )
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "sections": [
                            {"id": s.id, "change": s.change, "diff": list(s.diff)}
                            for s in result.sections
                        ],
                        "added": list(result.added),
                        "removed": list(result.removed),
                        "changed": [
                            {
                                "obligation": c.obligation,
                                "field": c.field,
                                "old": c.old,
                                "new": c.new,
                            }
                            for c in result.changed
                        ],
                    },
                    indent=2,
                )
            )
            return
        for s in result.sections:
            self.stdout.write(f"section {s.id}: {s.change}")
            for line in s.diff:
                self.stdout.write(f"  {line}")
        for o in result.added:
            self.stdout.write(f"+ obligation {o}")
        for o in result.removed:
            self.stdout.write(f"- obligation {o}")
        for c in result.changed:
            self.stdout.write(f"~ {c.obligation}.{c.field}: {c.old} -> {c.new}")
        if result.empty:
            self.stdout.write("no differences")
