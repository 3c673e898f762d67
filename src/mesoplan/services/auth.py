"""Use cases of signing in: check a password, issue a login token, log out, and resolve
a bearer secret (login token or API key) to who is calling."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..domain.record_errors import RefusedError
from .accounts import (
    KEY_PREFIX,
    TOKEN_PREFIX,
    PasswordPolicy,
    Principal,
    UserView,
    login_name,
    secret_hash,
    user_view,
)
from .scoped import ClinicUnitOfWork
from .unit_of_work import UnitOfWork


@dataclass(frozen=True)
class LoginResult:
    token: str
    expires_at: datetime
    user: UserView


def find_login(uow: UnitOfWork, username: str, password: str, policy: PasswordPolicy) -> int:
    """The clinic of a user whose password matches; one vague error otherwise."""
    from argon2.exceptions import InvalidHashError, VerificationError
    from sqlalchemy import select

    from ..adapters.db.accounts import UserRow

    hasher = policy.hasher()
    username = login_name(username)
    with uow:
        row = uow.session.scalar(select(UserRow).where(UserRow.username == username))
        try:
            if row is None:
                hasher.hash(password)
                raise VerificationError()
            hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise AuthenticationError("wrong username or password") from None
        if not row.active:
            raise AuthenticationError("wrong username or password")
        return row.clinic_id


def clinic_of_username(uow: UnitOfWork, username: str) -> int | None:
    """The clinic of the user named ``username`` (as typed at login), or None."""
    from sqlalchemy import select

    from ..adapters.db.accounts import UserRow

    with uow:
        q = select(UserRow.clinic_id).where(UserRow.username == login_name(username))
        return uow.session.scalar(q)


def record_throttled(uow: ClinicUnitOfWork, username: str, address: str, wait_s: int) -> None:
    """Keep a throttled login in the clinic's audit trail (no row changes)."""
    from ..adapters.db.audit import note

    with uow:
        change = {"address": address, "retry_after_s": wait_s}
        note(
            uow.session, {"table": "login", "op": "throttled", "key": [username], "values": change}
        )
        uow.commit()


class AuthenticationError(RefusedError):
    """Credentials that do not name an active user."""


def login(uow: ClinicUnitOfWork, username: str, ttl: timedelta) -> LoginResult:
    """A new bearer token for ``username`` (whose password was checked)."""
    from sqlalchemy import select

    from ..adapters.db.accounts import AuthTokenRow, UserRow

    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    username = login_name(username)
    with uow:
        row = uow.session.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise AuthenticationError("wrong username or password")
        expires = uow.now() + ttl
        uow.session.add(
            AuthTokenRow(
                clinic_id=row.clinic_id,
                user_id=row.id,
                token_sha256=secret_hash(token),
                created_at=uow.now(),
                expires_at=expires,
            )
        )
        uow.flush()
        view = user_view(uow, row)
        uow.commit()
        return LoginResult(token, expires, view)


def logout(uow: ClinicUnitOfWork, token_id: int) -> None:
    from ..adapters.db.accounts import AuthTokenRow

    with uow:
        row = uow.session.get(AuthTokenRow, token_id)
        if row is not None and row.revoked_at is None:
            row.revoked_at = uow.now()
            uow.commit()


def authenticate(uow: UnitOfWork, secret: str) -> Principal | None:
    """Who a bearer secret (login token or API key) names, or None."""
    from sqlalchemy import null, select

    from ..adapters.db.accounts import ApiKeyRow, AuthTokenRow, UserRow
    from ..adapters.db.people import PractitionerRow

    digest = secret_hash(secret)
    cols = (UserRow.id, UserRow.clinic_id, UserRow.username, UserRow.role, PractitionerRow.handle)
    with uow:
        if secret.startswith(TOKEN_PREFIX):
            q: Any = (
                select(*cols, AuthTokenRow.id, AuthTokenRow.expires_at, AuthTokenRow.revoked_at)
                .join(AuthTokenRow, AuthTokenRow.user_id == UserRow.id)
                .where(AuthTokenRow.token_sha256 == digest)
            )
        elif secret.startswith(KEY_PREFIX):
            q = (
                select(*cols, ApiKeyRow.id, null(), ApiKeyRow.revoked_at)
                .join(ApiKeyRow, ApiKeyRow.user_id == UserRow.id)
                .where(ApiKeyRow.key_sha256 == digest)
            )
        else:
            return None
        q = q.join(PractitionerRow, PractitionerRow.id == UserRow.practitioner_id).where(
            UserRow.active.is_(True)
        )
        found = uow.session.execute(q).first()
        if found is None:
            return None
        uid, cid, username, role, handle, sid, expires, revoked = found
        if revoked is not None or (expires is not None and expires <= uow.now()):
            return None
        is_token = secret.startswith(TOKEN_PREFIX)
        return Principal(
            uid, cid, username, role, handle, sid if is_token else None, None if is_token else sid
        )
