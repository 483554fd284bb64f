"""The complaint channel's daily job: ledger rows for yesterday, retention, the digest,
and the sweep of files nothing refers to (shred keys, blobs, upload spools).

Run once a day at a fixed time (cron or a systemd timer). Idempotent: ledger rows are
written for yesterday only, retention warnings are claimed with a conditional update,
and the digest goes out whether or not anything happened.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from oversight.accounts.queries import company_today
from oversight.complaints import services, uploads
from oversight.complaints.models import Channel


class Command(BaseCommand):
    help = "Record yesterday's reporter activity, apply retention, send the digest."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--no-digest", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = []
        for channel in Channel.objects.select_related("company"):
            company = channel.company
            today = company_today(company)
            written = services.record_reporter_activity(
                company, day=today - timedelta(days=1)
            )
            services.revoke_departed(company, on=today)
            retention = services.apply_retention(company, on=today)
            sent = (
                0 if options["no_digest"] else services.send_digest(company, on=today)
            )
            summary.append(
                {
                    "company": company.slug,
                    "ledger_rows": written,
                    "digests": sent,
                    **retention,
                }
            )
        services.sweep_shred_keys()  # key files of cases already deleted
        services.sweep_blobs()  # blob files no attachment names (a crash, a rollback)
        uploads.sweep()  # upload spools a killed process left
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            for row in summary:
                self.stdout.write(
                    f"{row['company']}: {row['ledger_rows']} ledger rows, "
                    f"{row['warned']} warned, {row['shredded']} shredded, "
                    f"{row['digests']} digests"
                )
