"""What a session's signature covers: a canonical, versioned serialisation of the signed
record, re-derived from the stored rows whenever it is verified.

Each content version lists the fields it covers (:data:`VERSIONS`); each field is read
from the rows by one function (:data:`FIELDS`). A field added later gets a new function
and a new version that lists it: the older versions do not list it, so what an older
signature covers never changes.

- version 0 (sessions signed before content versions existed): the planned map is
  covered by its stored ``content_hash`` (verification also checks the map's data
  against that hash, so a rewritten map is named even for these);
- version 1: the planned map's points themselves (ids, x, y, depth, volume).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .records import PlannedMapRow, SessionPointRow, SessionRow
from .stock import LotRow, ProductRow, ProductUseRow, VialRow

CURRENT_VERSION = 1


def canonical(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def utc_iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


@dataclass(frozen=True)
class StoredSession:
    """The rows a signature is computed from, read once."""

    row: SessionRow
    planned_map: PlannedMapRow
    points: tuple[SessionPointRow, ...]
    uses: tuple[tuple[ProductUseRow, LotRow, ProductRow, str | None], ...]

    @property
    def map_text(self) -> str:
        return zlib.decompress(self.planned_map.data).decode("utf-8")

    @property
    def map_intact(self) -> bool:
        """The map's data still hashes to the hash it is named by."""
        return sha256(self.map_text) == self.planned_map.content_hash


def stored_session(session: Session, row: SessionRow) -> StoredSession:
    uses = session.execute(
        select(ProductUseRow, LotRow, ProductRow, VialRow.code)
        .join(LotRow, LotRow.id == ProductUseRow.lot_id)
        .join(ProductRow, ProductRow.id == LotRow.product_id)
        .outerjoin(VialRow, VialRow.id == ProductUseRow.vial_id)
        .where(ProductUseRow.session_id == row.id)
        .order_by(ProductUseRow.position)
    )
    points = session.scalars(
        select(SessionPointRow)
        .where(SessionPointRow.session_id == row.id)
        .order_by(SessionPointRow.id)
    )
    return StoredSession(
        row,
        session.get_one(PlannedMapRow, row.planned_map_id),
        tuple(points),
        tuple((u, lot, product, vial) for u, lot, product, vial in uses),
    )


def _uses(s: StoredSession) -> list[dict[str, Any]]:
    return [
        {
            "product": product.name,
            "lot": lot.lot_number,
            "vial": vial,
            "volume_ul": u.volume_ul,
            "ingredient": u.ingredient,
            "role": u.role,
        }
        for u, lot, product, vial in s.uses
    ]


def _anaesthetic(s: StoredSession) -> list[Any]:
    r = s.row
    applied = utc_iso(r.anaesthetic_applied_at) if r.anaesthetic_applied_at else None
    return [r.anaesthetic, r.anaesthetic_amount_g, applied]


FIELDS: dict[str, Callable[[StoredSession], Any]] = {
    "session": lambda s: s.row.id,
    "course": lambda s: s.row.course_id,
    "patient": lambda s: s.row.patient_id,
    "number": lambda s: s.row.number,
    "performed_at": lambda s: utc_iso(s.row.performed_at),
    "practitioner": lambda s: s.row.practitioner_id,
    "planned_map": lambda s: s.planned_map.content_hash,
    "planned_points": lambda s: json.loads(s.map_text),
    "point_status": lambda s: s.row.point_status.hex(),
    "points": lambda s: [
        [p.point_id, p.status, p.x_cm, p.y_cm, p.depth_mm, p.volume_ml] for p in s.points
    ],
    "uses": _uses,
    "needle": lambda s: [s.row.needle_gauge, s.row.needle_length_mm, s.row.needle_lot],
    "anaesthetic": _anaesthetic,
    "notes": lambda s: s.row.notes,
}
"""Every fact a signature may cover, by name, read from the stored rows."""

_V0 = (
    "session",
    "course",
    "patient",
    "number",
    "performed_at",
    "practitioner",
    "planned_map",
    "point_status",
    "points",
    "uses",
    "needle",
    "anaesthetic",
    "notes",
)
VERSIONS: dict[int, tuple[str, ...]] = {
    0: _V0,
    1: tuple("planned_points" if f == "planned_map" else f for f in _V0),
}
"""The fields each content version covers; a version never changes once released."""


def content(stored: StoredSession, version: int) -> dict[str, Any]:
    """The signed content of ``version``: only the fields that version lists."""
    if version not in VERSIONS:
        raise ValueError(f"unknown content version {version}; known: {sorted(VERSIONS)}")
    return {name: FIELDS[name](stored) for name in VERSIONS[version]}


def signature_of(doc: Mapping[str, Any], version: int, signer: str, at: datetime) -> str:
    """The signature over a content, the signer and the time (version 0 as it always
    was; later versions name their version inside what is hashed)."""
    signed: dict[str, Any] = {"content": doc, "signed_by": signer, "signed_at": utc_iso(at)}
    if version > 0:
        signed["content_version"] = version
    return sha256(canonical(signed))


def content_hash(doc: Mapping[str, Any]) -> str:
    return sha256(canonical(doc))


def field_hashes(doc: Mapping[str, Any]) -> dict[str, str]:
    """One hash per field, kept in the audit chain at signing, so a later mismatch can
    be traced to the field that changed."""
    return {name: sha256(canonical(value)) for name, value in doc.items()}
