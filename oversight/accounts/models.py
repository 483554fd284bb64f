"""People, companies (tenants) and the roles people hold in them."""

from __future__ import annotations

import zoneinfo
from datetime import date
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_otp.models import Device, TimestampMixin


class Role(models.TextChoices):
    """What a person does for a company. Roles are data, held with dates."""

    CHAIR = "chair", "Committee chair"
    MEMBER = "member", "Committee member"
    SECRETARY = "secretary", "Secretary"
    MANAGEMENT = "management", "Management"
    INTERNAL_AUDIT = "internal_audit", "Internal audit"
    AUDITOR = "auditor", "Independent auditor"
    BOARD_OBSERVER = "board_observer", "Board observer"
    ADMIN = "admin", "Administrator"


class UserManager(BaseUserManager["User"]):
    """Creates users who sign in with their email address."""

    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """A person who signs in with an email address and a password, then a second factor."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ("full_name", "email")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


def _validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone.")


class Company(models.Model):
    """A listed company: the tenant every record belongs to."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(
        max_length=64, default="America/Los_Angeles", validators=[_validate_time_zone]
    )
    fiscal_year_end_month = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    fiscal_year_end_day = models.PositiveSmallIntegerField(
        default=31, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "companies"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(
                    fiscal_year_end_month__gte=1, fiscal_year_end_month__lte=12
                ),
                name="%(app_label)s_%(class)s_fiscal_month_valid",
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year_end_day__gte=1, fiscal_year_end_day__lte=31),
                name="%(app_label)s_%(class)s_fiscal_day_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ledger_chain(self) -> str:
        """The key of this company's chain in the ledger."""
        return f"company:{self.pk}"


class RoleAssignment(models.Model):
    """A role a person holds in a company from ``starts_on`` until ``ends_on`` (inclusive)."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="role_assignments"
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    title = models.CharField(
        max_length=120, blank=True, help_text="e.g. Chief Financial Officer"
    )

    class Meta:
        ordering = ("company", "user", "role", "starts_on")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["user", "company"])
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.company}"

    def is_active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class Invitation(models.Model):
    """A single-use, expiring link that brings a person into a company with a role."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    title = models.CharField(max_length=120, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.company}"

    def is_usable(self, now: Any) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and now < self.expires_at
        )


class RecoveryCode(models.Model):
    """A single-use recovery code for the second factor, stored only as a hash."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"Recovery code of {self.user}"


class SecurityKey(TimestampMixin, Device):  # type: ignore[misc]
    """A security key or passkey (a WebAuthn credential) used as a second factor.

    A django-otp device, so that signing in with it marks the session as verified the
    same way an authenticator code does; it verifies no typed token, only assertions
    (``oversight.accounts.security_keys``).
    """

    credential_id = models.CharField(
        max_length=1400, unique=True, help_text="base64url, as the browser sends it"
    )
    public_key = models.BinaryField(help_text="COSE-encoded public key")
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    aaguid = models.CharField(max_length=36, blank=True)
    user_handle = models.CharField(
        max_length=100,
        help_text="base64url of random bytes, the same for all of a person's keys",
    )

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class ApiToken(models.Model):
    """A personal API token: scoped to one company, expiring, revocable, stored as a hash."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: Any) -> bool:
        return self.revoked_at is None and now < self.expires_at


class SignInThrottle(models.Model):
    """Failed sign-ins counted per account or per client (by hashed key) in a window."""

    class Scope(models.TextChoices):
        ACCOUNT = "account", "Account"
        CLIENT = "client", "Client"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    key_hash = models.CharField(max_length=64)
    window_started_at = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["scope", "key_hash"], name="%(app_label)s_%(class)s_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_hash[:8]}: {self.failures}"
