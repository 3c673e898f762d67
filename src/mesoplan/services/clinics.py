"""Use cases: add a clinic, add a practitioner."""

from __future__ import annotations

import re

from ..domain.record_errors import ConflictError, RefusedError
from .unit_of_work import UnitOfWork
from .views import ClinicView, PractitionerView

ROLES: tuple[str, ...] = ("practitioner", "medical_director", "nurse")
"""Who may do what: everyone records; practitioners and medical directors sign; only a
medical director co-signs."""
SIGNING_ROLES: tuple[str, ...] = ("practitioner", "medical_director")
_HANDLE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


def _check_timezone(timezone: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise RefusedError(
            f"unknown time zone {timezone!r}; give an IANA name such as Europe/Rome"
        ) from None


def add_clinic(uow: UnitOfWork, name: str, timezone: str = "UTC") -> ClinicView:
    from ..adapters.db.people import ClinicRow

    name = name.strip()
    if not name:
        raise RefusedError("clinic name: give a non-empty name")
    _check_timezone(timezone)
    with uow:
        if any(c.name == name for c in uow.people.clinics()):
            raise ConflictError(f"clinic {name!r} exists already")
        row = uow.people.add(ClinicRow(name=name, timezone=timezone, created_at=uow.now()))
        uow.commit()
        return ClinicView(row.id, row.name, row.timezone)


def add_practitioner(
    uow: UnitOfWork,
    handle: str,
    name: str,
    role: str = "practitioner",
    clinic: str | None = None,
    licence: str | None = None,
) -> PractitionerView:
    from ..adapters.db.people import PractitionerRow

    if not _HANDLE.match(handle):
        raise RefusedError(
            f"practitioner handle {handle!r}: use lower-case letters, digits, '_', '.' or '-'"
        )
    if role not in ROLES:
        raise RefusedError(f"unknown role {role!r}; valid: {', '.join(ROLES)}")
    if not name.strip():
        raise RefusedError("practitioner name: give a non-empty name")
    with uow:
        c = uow.people.clinic(clinic)
        if uow.people.find_practitioner(handle) is not None:
            raise ConflictError(f"practitioner {handle!r} exists already")
        row = uow.people.add(
            PractitionerRow(
                clinic_id=c.id,
                handle=handle,
                name=name.strip(),
                role=role,
                licence=licence,
                created_at=uow.now(),
            )
        )
        uow.commit()
        return PractitionerView(row.id, row.handle, row.name, row.role, c.name, row.licence)


def clinic_timezone(uow: UnitOfWork, actor: str | None) -> str:
    """The acting practitioner's clinic's time zone (UTC when nobody is acting yet)."""
    with uow:
        if not actor or uow.people.find_practitioner(actor) is None:
            return "UTC"
        who = uow.people.practitioner(actor)
        return uow.people.clinic_by_id(who.clinic_id).timezone
