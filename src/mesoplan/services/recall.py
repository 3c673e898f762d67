"""Use cases: who received a lot or a vial; recall a lot or a vial (no further use).

A lot number names the lot of every product that carries it; a recall by lot reaches
every use of any of them, through every vial opened from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain.record_errors import NotFoundError, RefusedError
from .unit_of_work import UnitOfWork
from .views import RecallRow, ul_to_ml


def recall_row(r: dict[str, Any]) -> RecallRow:
    return RecallRow(
        patient_id=r["patient_id"],
        patient=f"{r['family_name']}, {r['given_name']}",
        birth_date=r["birth_date"],
        phone=r["phone"],
        email=r["email"],
        patient_deleted=bool(r["patient_deleted"]),
        course_id=r["course_id"],
        session_id=r["session_id"],
        session_number=r["session_number"],
        performed_at=r["performed_at"],
        signed=bool(r["signed"]),
        session_deleted=bool(r["session_deleted"]),
        product=r["product"],
        lot_number=r["lot_number"],
        expiry_date=r["expiry_date"],
        vial=r["vial"],
        volume_ml=ul_to_ml(r["volume_ul"]),
        ingredient=r["ingredient"],
        role=r["role"],
    )


@dataclass(frozen=True)
class RecallResult:
    what: str
    recalled: bool
    rows: list[RecallRow]

    @property
    def patient_ids(self) -> list[int]:
        return sorted({r.patient_id for r in self.rows})


def mark_unverified(uow: UnitOfWork, result: RecallResult) -> RecallResult:
    """The listing with each signed session whose content no longer verifies marked
    (``content_verified`` False): a check per signed session, after the listing."""
    from dataclasses import replace

    from .signing import unverified_sessions

    bad = unverified_sessions(uow, {r.session_id for r in result.rows if r.signed})
    rows = [
        replace(r, content_verified=r.session_id not in bad) if r.signed else r for r in result.rows
    ]
    return replace(result, rows=rows)


def who_received(
    uow: UnitOfWork, lot_number: str | None = None, vial_code: str | None = None
) -> RecallResult:
    """Every patient, session, date, product, vial and volume of a lot or a vial."""
    return _recall(uow, None, lot_number, vial_code, None)


def recall(
    uow: UnitOfWork,
    actor: str | None,
    reason: str,
    lot_number: str | None = None,
    vial_code: str | None = None,
) -> RecallResult:
    """Mark a lot (every product's lot of that number) or a vial recalled, so that it is
    refused at charting, and list who received it."""
    if not reason.strip():
        raise RefusedError("a recall needs a reason")
    return _recall(uow, actor, lot_number, vial_code, reason.strip())


def _recall(
    uow: UnitOfWork,
    actor: str | None,
    lot_number: str | None,
    vial_code: str | None,
    reason: str | None,
) -> RecallResult:
    from ..adapters.db.recall import who_received_lot, who_received_vial

    if (lot_number is None) == (vial_code is None):
        raise RefusedError("recall: give a lot number or a vial id (one of them)")
    with uow:
        if lot_number is not None:
            rows = who_received_lot(uow.session, lot_number)
            what = f"lot {lot_number}"
        else:
            assert vial_code is not None
            rows = who_received_vial(uow.session, vial_code)
            what = f"vial {vial_code}"
        uow.log_access([r["patient_id"] for r in rows], "recall listing", what)
        if reason is not None or not rows:
            targets = _targets(uow, lot_number, vial_code)
        if reason is not None:
            who = uow.people.practitioner(actor)
            for target in targets:
                if target.recalled_at is None:
                    target.recalled_at, target.recalled_by_id = uow.now(), who.id
                    target.recall_reason = reason
            uow.commit()
        return RecallResult(what, reason is not None, [recall_row(r) for r in rows])


def _targets(uow: UnitOfWork, lot_number: str | None, vial_code: str | None) -> list[Any]:
    """The lots (or the vial) named; an unknown one is an error. Looked up only when
    marking a recall or when nobody received it, so a plain recall is one query."""
    if lot_number is not None:
        lots = uow.stock.lots_numbered(lot_number)
        if not lots:
            raise NotFoundError(f"unknown lot {lot_number!r}; see `mesoplan stock list`")
        return list(lots)
    assert vial_code is not None
    return [uow.stock.vial(vial_code)]
