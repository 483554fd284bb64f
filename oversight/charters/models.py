"""Charter versions: the TOML source as adopted, its effective date and board approval."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.db import models

from oversight.accounts.models import Company, User


class CharterVersion(models.Model):
    """One version of a company's audit committee charter, kept as its source text.

    The parsed charter (sections and obligations) is derived from ``source`` by
    ``oversight.rules.charter.format``; ``sha256`` fixes the text that was imported, and a
    later change is a new version. A version is in force from ``effective_from`` until the
    next version's ``effective_from``.
    """

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="charter_versions"
    )
    label = models.CharField(max_length=80)
    source = models.TextField()
    sha256 = models.CharField(max_length=64)
    format_version = models.PositiveSmallIntegerField()
    adopted_on = models.DateField()
    effective_from = models.DateField()
    obligation_count = models.PositiveSmallIntegerField()
    obligations = models.JSONField(
        default=list, help_text="The obligations as parsed, for listing and the API."
    )
    approved_by_board_on = models.DateField(null=True, blank=True)
    board_resolution = models.CharField(max_length=200, blank=True)
    imported_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ("company", "-effective_from", "-imported_at")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["company", "label"],
                name="%(app_label)s_%(class)s_unique_label",
            ),
            models.UniqueConstraint(
                fields=["company", "effective_from"],
                name="%(app_label)s_%(class)s_unique_effective_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} charter {self.label}"

    def is_approved(self) -> bool:
        return self.approved_by_board_on is not None

    def is_effective_on(self, day: date) -> bool:
        return self.effective_from <= day
