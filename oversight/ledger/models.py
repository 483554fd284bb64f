"""The ledger: an append-only, hash-chained log of every decision and sign-in."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a ledger row."""


class AppendOnly(models.Model):
    """Rows that may be inserted once and never updated or deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")


class LedgerEvent(AppendOnly):
    """One event: who did what to which record, when, and the hash linking it to the last."""

    chain = models.CharField(max_length=80)
    seq = models.PositiveBigIntegerField()
    company = models.ForeignKey(
        "accounts.Company",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    data = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ("chain", "seq")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["chain", "seq"], name="%(app_label)s_%(class)s_unique_seq"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["company", "-occurred_at"]),
            models.Index(fields=["action"]),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"

    def payload(self) -> dict[str, Any]:
        """Every field the hash covers."""
        return {
            "chain": self.chain,
            "seq": self.seq,
            "company": self.company_id,
            "actor": self.actor_id,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "data": self.data,
            "occurred_at": self.occurred_at,
        }


class ChainHead(models.Model):
    """The last event of each chain; locked while an event is appended to keep chains linear."""

    chain = models.CharField(max_length=80, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain} at #{self.seq}"


class Checkpoint(AppendOnly):
    """A signed statement that a chain had this head: later edits before it are provable."""

    chain = models.CharField(max_length=80)
    seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    public_key = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ("chain", "seq")

    def __str__(self) -> str:
        return f"checkpoint {self.chain}#{self.seq}"
