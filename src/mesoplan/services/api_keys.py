"""Use cases of API keys: create one for a user (the secret is shown once), list, revoke."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.record_errors import NotFoundError, RefusedError
from .accounts import KEY_PREFIX, secret_hash, user_row
from .scoped import ClinicUnitOfWork
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from ..adapters.db.accounts import ApiKeyRow


@dataclass(frozen=True)
class ApiKeyView:
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    revoked: bool


def api_key_view(row: ApiKeyRow) -> ApiKeyView:
    return ApiKeyView(
        row.id, row.user_id, row.name, row.prefix, row.created_at, row.revoked_at is not None
    )


def create_api_key(uow: ClinicUnitOfWork, user_id: int, name: str) -> tuple[str, ApiKeyView]:
    """A new key for the user; the secret is returned once and never stored."""
    from ..adapters.db.accounts import ApiKeyRow

    if not name.strip():
        raise RefusedError("API key name: give a non-empty name")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with uow:
        user = user_row(uow, user_id)
        row = ApiKeyRow(
            clinic_id=user.clinic_id,
            user_id=user.id,
            name=name.strip(),
            prefix=key[:10],
            key_sha256=secret_hash(key),
            created_at=uow.now(),
        )
        uow.session.add(row)
        uow.flush()
        view = api_key_view(row)
        uow.commit()
        return key, view


def api_key_row(uow: UnitOfWork, key_id: int) -> ApiKeyRow:
    from ..adapters.db.accounts import ApiKeyRow

    row = uow.session.get(ApiKeyRow, key_id)
    if row is None:
        raise NotFoundError(f"unknown API key {key_id}")
    return row


def revoke_api_key(uow: ClinicUnitOfWork, key_id: int) -> int:
    """Revoke the key; returns its user's id."""
    with uow:
        row = api_key_row(uow, key_id)
        if row.revoked_at is None:
            row.revoked_at = uow.now()
        uow.commit()
        return row.user_id
