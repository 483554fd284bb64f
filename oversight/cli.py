"""The ``oversight`` command: a thin front over the management commands.

Each verb maps to one management command; arguments after the verb are passed through.
Bad arguments exit with status 2 and a message saying what was wrong.
"""

from __future__ import annotations

import os
import sys

# verb -> (management command, one line of help)
VERBS: dict[str, tuple[str, str]] = {
    "complaints": (
        "complaints",
        "complaints recovery-keygen [--label NAME] | recovery-peel FILE --out FILE "
        "[--expect CODE] (custodians, offline) | recovery-request --case ID --to EMAIL "
        "--by EMAIL --custodian ID... --out FILE | recovery-complete FILE --by EMAIL | "
        "recover ...: complaint recovery",
    ),
    "composition": (
        "composition",
        "composition check FILE --as-of DATE [--json] | export --company SLUG | alerts: audit committee composition",
    ),
    "demo": (
        "demo",
        "create or refresh the demo company and its personas (idempotent)",
    ),
    "ledger": (
        "ledger",
        "ledger verify [--json] | ledger checkpoint: prove or sign the ledger",
    ),
    "reminders": (
        "send_reminders",
        "send due meeting reminders [--dry-run] [--json]; run it from cron",
    ),
    "totp": ("totp", "totp EMAIL: the current authenticator code of a demo persona"),
    "check": (
        "check_charter",
        "check --company C [--as-of DATE] [--json]: evaluate the charter (exit 1 if missed)",
    ),
    "charter": (
        "charter",
        "charter import|show|diff|coverage: charter files and stored versions",
    ),
    "run-compliance": (
        "run_compliance",
        "store today's evaluation run for every company (idempotent)",
    ),
    "obligation-reminders": (
        "send_obligation_reminders",
        "email reminders ahead of due dates and the weekly digest (idempotent)",
    ),
    "migrate": ("migrate", "apply database migrations"),
    "collectstatic": (
        "collectstatic",
        "gather static files into STATIC_ROOT for the web server",
    ),
    "worker": (
        "db_worker",
        "run background tasks (board books) from the database queue",
    ),
    "serve": (
        "runserver",
        "serve on 127.0.0.1:8000 for a single machine (use gunicorn in production)",
    ),
}


def usage() -> str:
    width = max(len(v) for v in VERBS)
    lines = [
        "usage: oversight VERB [ARGS...]",
        "",
        "Runs the audit committee by its charter. Verbs:",
        *(
            f"  {verb.ljust(width)}  {text}"
            for verb, (_cmd, text) in sorted(VERBS.items())
        ),
        "",
        "Run `oversight VERB --help` for a verb's own options. Most verbs take --json.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        sys.exit(0 if args else 2)
    verb, rest = args[0], args[1:]
    if verb not in VERBS:
        print(f"oversight: unknown verb {verb!r}.\n\n{usage()}", file=sys.stderr)
        sys.exit(2)
    if verb == "complaints" and rest[:1] == ["recovery-keygen"]:
        # offline, on the custodian's machine: no settings, no database
        from oversight.complaints import keygen

        sys.exit(keygen.run(rest[1:]))
    if verb == "complaints" and rest[:1] == ["recovery-peel"]:
        # offline too: the kit and the case keys stay in this process
        from oversight.complaints import ceremony

        sys.exit(ceremony.run(rest[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["oversight", VERBS[verb][0], *rest])
    except ImproperlyConfigured as error:  # a setting missing or wrong: say which
        print(f"oversight: {error}", file=sys.stderr)
        sys.exit(2)
