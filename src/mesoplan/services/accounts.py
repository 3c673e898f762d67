"""Use cases of accounts: open a clinic with its first admin, add and change users, log
in and out, API keys, and resolving a bearer secret to who is calling.

Passwords are argon2 hashes (parameters from :class:`PasswordPolicy`); login tokens and
API keys are 32 random bytes, shown once and stored as their SHA-256: a random secret
needs no slow hash, and every request checks one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..domain.record_errors import ConflictError, NotFoundError, RefusedError
from .scoped import ClinicUnitOfWork
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from ..adapters.db.accounts import UserRow

API_ROLES: tuple[str, ...] = ("admin", "medical_director", "practitioner", "assistant", "auditor")
CLINICAL_ROLE = {"medical_director": "medical_director", "practitioner": "practitioner"}
"""The practitioner-row role of each API role; the others are non-signing staff."""
TOKEN_PREFIX, KEY_PREFIX = "mpt_", "mpk_"
_USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
USERNAME_RULE = "1 to 64 of lower-case a-z, digits, '_', '.', '-', starting with a letter or digit"


def login_name(raw: str) -> str:
    """A username as typed at login: NFC-normalised, surrounding white space trimmed."""
    return unicodedata.normalize("NFC", raw).strip()


def normalise_username(raw: str) -> str:
    """``raw`` NFC-normalised and trimmed, if it is then a valid username
    (:data:`USERNAME_RULE`); a :class:`RefusedError` otherwise."""
    name = login_name(raw)
    if not _USERNAME.fullmatch(name):
        raise RefusedError(f"username {name!r}: use {USERNAME_RULE}")
    return name


@dataclass(frozen=True)
class PasswordPolicy:
    """argon2id parameters: the defaults are argon2-cffi's; tests pass cheap ones."""

    time_cost: int = 3
    memory_cost_kib: int = 65536
    parallelism: int = 4

    def hasher(self) -> Any:
        from argon2 import PasswordHasher

        return PasswordHasher(self.time_cost, self.memory_cost_kib, self.parallelism)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who calls: the user, their clinic, role and practitioner handle."""

    user_id: int
    clinic_id: int
    username: str
    role: str
    handle: str
    token_id: int | None = None
    api_key_id: int | None = None


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    name: str
    role: str
    active: bool
    handle: str
    licence: str | None
    created_at: datetime


def user_view(uow: UnitOfWork, row: UserRow) -> UserView:
    p = uow.people.practitioner_by_id(row.practitioner_id)
    return UserView(
        row.id, row.username, p.name, row.role, row.active, p.handle, p.licence, row.created_at
    )


def _check_user(username: str, name: str, role: str, password: str) -> None:
    if not _USERNAME.fullmatch(username):
        raise RefusedError(f"username {username!r}: use {USERNAME_RULE}")
    if role not in API_ROLES:
        raise RefusedError(f"unknown role {role!r}; valid: {', '.join(API_ROLES)}")
    if not name.strip():
        raise RefusedError("name: give a non-empty name")
    if len(password) < 8:
        raise RefusedError("password: give at least 8 characters")


def _add_user(
    uow: UnitOfWork,
    clinic_id: int,
    spec: NewUser,
    policy: PasswordPolicy,
) -> UserRow:
    from ..adapters.db.accounts import UserRow
    from ..adapters.db.people import PractitionerRow

    spec = replace(spec, username=normalise_username(spec.username))
    _check_user(spec.username, spec.name, spec.role, spec.password)
    if uow.people.find_practitioner(spec.username) is not None:
        raise ConflictError(f"username {spec.username!r} is taken")
    who = uow.people.add(
        PractitionerRow(
            clinic_id=clinic_id,
            handle=spec.username,
            name=spec.name.strip(),
            role=CLINICAL_ROLE.get(spec.role, "nurse"),
            licence=spec.licence,
            created_at=uow.now(),
        )
    )
    uow.flush()
    row = uow.people.add(
        UserRow(
            clinic_id=clinic_id,
            practitioner_id=who.id,
            username=spec.username,
            role=spec.role,
            password_hash=policy.hasher().hash(spec.password),
            active=True,
            created_at=uow.now(),
        )
    )
    uow.flush()
    return row


@dataclass(frozen=True)
class NewUser:
    username: str
    name: str
    role: str
    password: str
    licence: str | None = None


def open_clinic(
    uow: UnitOfWork, name: str, timezone: str, admin: NewUser, policy: PasswordPolicy
) -> UserView:
    """A new clinic with its first user (an admin), audited as the clinic's first entry."""
    from ..adapters.db.audit import Actor, lock_head, track
    from ..adapters.db.people import ClinicRow
    from ..adapters.db.tenancy import scope_to_clinic
    from .clinics import _check_timezone

    if not name.strip():
        raise RefusedError("clinic name: give a non-empty name")
    _check_timezone(timezone)
    with uow:
        track(uow.session, Actor(admin.username, "open clinic"), uow.now)
        if any(c.name == name.strip() for c in uow.people.clinics()):
            raise ConflictError(f"clinic {name.strip()!r} exists already")
        clinic = uow.people.add(
            ClinicRow(name=name.strip(), timezone=timezone, created_at=uow.now())
        )
        uow.flush()
        scope_to_clinic(uow.session, clinic.id)
        lock_head(uow.session, clinic.id)
        row = _add_user(uow, clinic.id, admin, policy)
        view = user_view(uow, row)
        uow.commit()
        return view


def create_user(uow: ClinicUnitOfWork, spec: NewUser, policy: PasswordPolicy) -> UserView:
    with uow:
        row = _add_user(uow, uow.clinic_id, spec, policy)
        view = user_view(uow, row)
        uow.commit()
        return view


def user_row(uow: UnitOfWork, user_id: int) -> UserRow:
    from ..adapters.db.accounts import UserRow

    row = uow.session.get(UserRow, user_id)
    if row is None:
        raise NotFoundError(f"unknown user {user_id}")
    return row


def get_user(uow: UnitOfWork, user_id: int) -> UserView:
    return user_view(uow, user_row(uow, user_id))


@dataclass(frozen=True)
class UserChange:
    name: str | None = None
    role: str | None = None
    active: bool | None = None
    password: str | None = None
    licence: str | None = None


def update_user(
    uow: ClinicUnitOfWork, user_id: int, change: UserChange, policy: PasswordPolicy
) -> UserView:
    """Change a user's name, role, password or active flag (deactivating revokes tokens)."""
    with uow:
        row = user_row(uow, user_id)
        who = uow.people.practitioner_by_id(row.practitioner_id)
        _check_user(
            row.username,
            change.name if change.name is not None else who.name,
            change.role or row.role,
            change.password if change.password is not None else "unchanged",
        )
        if change.name is not None:
            who.name = change.name.strip()
        if change.licence is not None:
            who.licence = change.licence
        if change.role is not None:
            row.role, who.role = change.role, CLINICAL_ROLE.get(change.role, "nurse")
        if change.password is not None:
            row.password_hash = policy.hasher().hash(change.password)
        if change.active is not None:
            row.active = change.active
        if change.active is False or change.password is not None:
            _revoke_tokens(uow, row.id)
        uow.flush()
        view = user_view(uow, row)
        uow.commit()
        return view


def _revoke_tokens(uow: UnitOfWork, user_id: int) -> None:
    from sqlalchemy import select

    from ..adapters.db.accounts import AuthTokenRow

    q = select(AuthTokenRow).where(
        AuthTokenRow.user_id == user_id, AuthTokenRow.revoked_at.is_(None)
    )
    for token in uow.session.scalars(q):
        token.revoked_at = uow.now()
