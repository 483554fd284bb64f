"""The product's personas and factory functions, for tests and the demo.

Personas are the users Oversight is built for, by their first names: **ada** chairs the
committee, **ben** is an independent member, **cleo** is the CFO (management, no
committee rights), **dev** is the external audit partner, **eve** is an outsider,
**fay** is the corporate secretary, **gus** heads internal audit, **hal** observes for
the board and **ivy** administers the company's accounts. State is built through
services, so every fixture also exercises the ledger.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts import services
from oversight.accounts.models import Company, Role, User


@dataclass(frozen=True)
class Persona:
    name: str
    full_name: str
    role: Role | None
    title: str = ""


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "ada", "Ada Chairwell", Role.CHAIR, "Independent director, committee chair"
    ),
    Persona("ben", "Ben Member", Role.MEMBER, "Independent director"),
    Persona("cleo", "Cleo Finance", Role.MANAGEMENT, "Chief Financial Officer"),
    Persona("dev", "Dev Auditwright", Role.AUDITOR, "Engagement partner"),
    Persona("eve", "Eve Outsider", None),
    Persona("fay", "Fay Secretary", Role.SECRETARY, "Corporate secretary"),
    Persona("gus", "Gus Internal", Role.INTERNAL_AUDIT, "Head of internal audit"),
    Persona("hal", "Hal Observer", Role.BOARD_OBSERVER, "Director"),
    Persona("ivy", "Ivy Admin", Role.ADMIN, "IT administrator"),
)

PASSWORD = "correct-horse-battery-2026"  # noqa: S105 (personas' known password)


def persona_email(name: str, domain: str = "oss.example") -> str:
    return f"{name}@{domain}"


def totp_key_for(email: str) -> str:
    """A fixed authenticator secret per persona, so tests and the demo can compute codes."""
    return hashlib.sha256(f"oversight-persona-totp:{email}".encode()).hexdigest()[:40]


def make_company(
    name: str = "One Stop Systems, Inc.",
    slug: str = "one-stop-systems",
    **kwargs: object,
) -> Company:
    return services.create_company(actor=None, name=name, slug=slug, **kwargs)  # type: ignore[arg-type]


@transaction.atomic
def make_user(
    email: str, full_name: str, *, password: str = PASSWORD, enrol_totp: bool = True
) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, full_name=full_name)
    if enrol_totp and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(
            user=user, name="Authenticator app", key=totp_key_for(email), confirmed=True
        )
    return user


def make_personas(
    company: Company, *, starts_on: date, domain: str = "oss.example"
) -> dict[str, User]:
    """Every persona as a user; each but eve holds their role in ``company`` from ``starts_on``."""
    users: dict[str, User] = {}
    for persona in PERSONAS:
        user = make_user(persona_email(persona.name, domain), persona.full_name)
        users[persona.name] = user
        if (
            persona.role is not None
            and not user.role_assignments.filter(
                company=company, role=persona.role
            ).exists()
        ):
            services.assign_role(
                user,
                actor=None,
                company=company,
                role=persona.role,
                starts_on=starts_on,
                title=persona.title,
            )
    return users
