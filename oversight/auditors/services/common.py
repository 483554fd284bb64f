"""Helpers the services share: refusals of bad amounts, categories, texts and files."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from oversight.accounts.models import Role
from oversight.rules.auditor.common import (
    money,
    parse_category,
)

COMMITTEE_ROLES = frozenset({Role.CHAIR, Role.MEMBER})


def clean_category(value: str) -> str:
    try:
        return parse_category(value).value
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


MAX_AMOUNT = Decimal(
    "1000000000000"
)  # fits DecimalField(max_digits=14, decimal_places=2)


def clean_amount(value: Decimal, what: str = "A fee") -> Decimal:
    try:
        amount = money(value)
    except (ValueError, ArithmeticError, TypeError):
        raise ValidationError(
            f"{what} must be a positive amount or zero, not {value}."
        ) from None
    exponent = amount.as_tuple().exponent
    if amount >= MAX_AMOUNT or (
        isinstance(exponent, int)
        and exponent < -2
        and amount != amount.quantize(Decimal("0.01"))
    ):
        raise ValidationError(
            f"{what} must be below 1,000,000,000,000 with at most two decimals."
        )
    return amount


MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def check_pdf(document: UploadedFile[bytes], what: str) -> None:
    """Documents are PDF files of at most 20 MB, checked by their first bytes."""
    if document.size is not None and document.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(f"{what} is larger than 20 MB.")
    head = document.read(5)
    document.seek(0)
    if head != b"%PDF-":
        raise ValidationError(f"{what} must be a PDF file.")


def clean_text(value: str, what: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(f"{what} is required.")
    if len(value) > limit:
        raise ValidationError(f"{what} is at most {limit} characters.")
    return value
