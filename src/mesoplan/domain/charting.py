"""Charting a session: what was delivered against the plan, with what, and signing it.

A :class:`SessionRecord` holds the delivered points (:class:`Delivery`), the syringe mix
as the products drawn into it (:class:`ProductUse`, each linked to the protocol
ingredient it provides), the topical anaesthetic, the needle and the water or diluent
lot. A practitioner signs it; from then on it never changes (:class:`SignedRecordError`)
and is only amended by signed addenda that point to it. A medical director may
co-sign. Times are arguments: nothing here reads the clock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .charting_points import (
    COLUMNS,
    Delivery,
    DeliveryTotals,
    PlannedPoints,
    PointChange,
    PointStatus,
    deliver,
)
from .errors import ChartingError, SignedRecordError
from .protocol import Protocol


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ChartingError(f"{where}: a non-empty text is required")
    return value.strip()


def _positive(value: Any, where: str, *, allow_zero: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ChartingError(f"{where}: {value!r} is not a number") from None
    ok = number >= 0 if allow_zero else number > 0
    if not math.isfinite(number) or not ok:
        valid = "0 or more" if allow_zero else "greater than 0"
        raise ChartingError(f"{where}: {value!r}; valid: a number {valid}")
    return number


@dataclass(frozen=True)
class ProductUse:
    """A product drawn into the session's syringe mix."""

    product: str
    active_ingredient: str
    lot_number: str
    volume_ml: float
    provides: str
    vial_id: str | None = None

    def __post_init__(self) -> None:
        where = f"product {self.product!r}"
        for name in ("product", "active_ingredient", "lot_number", "provides"):
            object.__setattr__(self, name, _text(getattr(self, name), f"{where}: {name}"))
        if self.vial_id is not None:
            object.__setattr__(self, "vial_id", _text(self.vial_id, f"{where}: vial_id"))
        volume = _positive(self.volume_ml, f"{where}: volume_ml")
        object.__setattr__(self, "volume_ml", volume)


@dataclass(frozen=True)
class MixCheck:
    """The mix checked against a protocol: which products provide each ingredient."""

    protocol_key: str
    by_ingredient: Mapping[str, tuple[ProductUse, ...]]

    @property
    def volume_ml(self) -> float:
        return sum(u.volume_ml for uses in self.by_ingredient.values() for u in uses)


def check_mix(protocol: Protocol, uses: Sequence[ProductUse]) -> MixCheck:
    """Every protocol ingredient must be provided by at least one product (a class such
    as ``vitamins`` may be provided by several); every product must provide one of the
    protocol's ingredients. Names compare without case."""
    names = {i.name.casefold(): i.name for i in protocol.ingredients}
    found: dict[str, list[ProductUse]] = {name: [] for name in names.values()}
    for use in uses:
        name = names.get(use.provides.casefold())
        if name is None:
            raise ChartingError(
                f"product {use.product!r} (lot {use.lot_number}) provides {use.provides!r}, "
                f"which is not an ingredient of protocol {protocol.id}; valid: "
                f"{', '.join(names.values())}"
            )
        found[name].append(use)
    missing = [name for name, provided in found.items() if not provided]
    if missing:
        raise ChartingError(
            f"no product in the mix provides {', '.join(map(repr, missing))} "
            f"(protocol {protocol.id} needs every ingredient: {', '.join(names.values())})"
        )
    return MixCheck(protocol.key, {k: tuple(v) for k, v in found.items()})


@dataclass(frozen=True)
class AnaestheticApplication:
    """A topical anaesthetic applied before the session."""

    name: str
    amount_g: float
    applied_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _text(self.name, "anaesthetic name"))
        object.__setattr__(self, "amount_g", _positive(self.amount_g, "anaesthetic amount_g"))


@dataclass(frozen=True)
class Needle:
    gauge: int
    length_mm: float

    def __post_init__(self) -> None:
        if (
            isinstance(self.gauge, bool)
            or not isinstance(self.gauge, int)
            or not (10 <= self.gauge <= 34)
        ):
            raise ChartingError(f"needle gauge {self.gauge!r}; valid: a whole number 10..34")
        object.__setattr__(self, "length_mm", _positive(self.length_mm, "needle length_mm"))


@dataclass(frozen=True)
class Signature:
    practitioner_id: str
    at: datetime


@dataclass(frozen=True)
class Addendum:
    """A signed amendment that points to a signed session."""

    session_id: str
    text: str
    signed_by: str
    at: datetime


_GUARDED = frozenset(
    {"session_id", "protocol_key", "performed_at", "delivery", "mix", "anaesthetic", "needle"}
    | {"diluent_lot", "notes", "signature"}
)


def _later(a: datetime, b: datetime, what: str) -> None:
    if (a.tzinfo is None) != (b.tzinfo is None):
        raise ChartingError(f"{what}: give times with a time zone, or all without")
    if a < b:
        raise ChartingError(f"{what} ({a.isoformat()}) is before {b.isoformat()}")


@dataclass(eq=False)
class SessionRecord:
    """The chart of one session. Mutable until signed, never after.

    Build it with :meth:`new` (every planned point done), then record changes; or
    restore a stored one with the constructor."""

    session_id: str
    protocol_key: str
    performed_at: datetime
    delivery: Delivery
    mix: tuple[ProductUse, ...] = ()
    anaesthetic: AnaestheticApplication | None = None
    needle: Needle | None = None
    diluent_lot: str | None = None
    notes: str = ""
    signature: Signature | None = None
    cosignature: Signature | None = None
    addenda: tuple[Addendum, ...] = field(default=())

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _GUARDED and getattr(self, "signature", None) is not None:
            raise SignedRecordError(
                f"session {self.session_id} is signed; it cannot change ({name}); "
                "add a signed addendum instead"
            )
        if name in ("cosignature", "addenda") and name in self.__dict__:
            raise SignedRecordError(f"{name} changes only through cosign() or amend()")
        object.__setattr__(self, name, value)

    @classmethod
    def new(
        cls,
        session_id: str,
        protocol: Protocol,
        performed_at: datetime,
        planned: PlannedPoints,
        changes: Iterable[PointChange] = (),
    ) -> SessionRecord:
        return cls(
            _text(session_id, "session_id"), protocol.key, performed_at, deliver(planned, changes)
        )

    @property
    def signed(self) -> bool:
        return self.signature is not None

    # -- recording (before signing) ------------------------------------------------
    def record_points(self, changes: Iterable[PointChange]) -> None:
        """Replace the delivered state with the plan and these changes."""
        self.delivery = deliver(self.delivery.planned, changes)

    def record_mix(self, protocol: Protocol, uses: Sequence[ProductUse]) -> MixCheck:
        if protocol.key != self.protocol_key:
            raise ChartingError(
                f"session {self.session_id} follows {self.protocol_key}, not {protocol.key}"
            )
        checked = check_mix(protocol, uses)
        self.mix = tuple(uses)
        return checked

    def record_anaesthetic(self, name: str, amount_g: float, applied_at: datetime) -> None:
        application = AnaestheticApplication(name, amount_g, applied_at)
        if (applied_at.tzinfo is None) != (self.performed_at.tzinfo is None):
            raise ChartingError("anaesthetic applied_at: use the session's time zone convention")
        self.anaesthetic = application

    def record_needle(self, gauge: int, length_mm: float) -> None:
        self.needle = Needle(gauge, length_mm)

    def record_diluent_lot(self, lot: str | None) -> None:
        self.diluent_lot = None if lot is None else _text(lot, "diluent lot")

    def record_notes(self, notes: str) -> None:
        self.notes = notes

    # -- signing ------------------------------------------------------------------
    def sign(self, practitioner_id: str, at: datetime) -> Signature:
        if self.signature is not None:
            s = self.signature
            raise SignedRecordError(
                f"session {self.session_id} is already signed by {s.practitioner_id} "
                f"at {s.at.isoformat()}"
            )
        who = _text(practitioner_id, "practitioner_id")
        _later(at, self.performed_at, "signing time")
        if not self.mix:
            raise ChartingError(f"session {self.session_id}: record the mix before signing")
        signature = Signature(who, at)
        self.signature = signature
        return signature

    def cosign(self, director_id: str, at: datetime) -> Signature:
        """A medical director's co-signature: once, after the practitioner's, by someone else."""
        if self.signature is None:
            raise ChartingError(f"session {self.session_id}: co-sign after it is signed")
        if self.cosignature is not None:
            raise SignedRecordError(f"session {self.session_id} is already co-signed")
        who = _text(director_id, "director_id")
        if who == self.signature.practitioner_id:
            raise ChartingError("the co-signer must be someone other than the signer")
        _later(at, self.signature.at, "co-signing time")
        cosignature = Signature(who, at)
        object.__setattr__(self, "cosignature", cosignature)
        return cosignature

    def amend(self, text: str, signed_by: str, at: datetime) -> Addendum:
        """A signed addendum to a signed session; the session itself does not change."""
        if self.signature is None:
            raise ChartingError(
                f"session {self.session_id} is not signed yet: correct it instead of amending"
            )
        _later(at, self.signature.at, "addendum time")
        addendum = Addendum(
            self.session_id, _text(text, "addendum text"), _text(signed_by, "signed_by"), at
        )
        object.__setattr__(self, "addenda", (*self.addenda, addendum))
        return addendum

    # -- queries ------------------------------------------------------------------
    def totals(self) -> DeliveryTotals:
        return self.delivery.totals()

    @property
    def mix_volume_ml(self) -> float:
        return sum(u.volume_ml for u in self.mix)

    def warnings(self) -> list[str]:
        """Things worth a look that are not errors. With a diluent (water) in the syringe,
        whose volume is not recorded, the products drawn may be less than was delivered."""
        out: list[str] = []
        delivered = self.totals().volume_ml
        if self.mix and self.diluent_lot is None and delivered > self.mix_volume_ml + 1e-3:
            out.append(
                f"delivered {delivered:.3f} mL, more than the {self.mix_volume_ml:.3f} mL "
                "drawn into the mix"
            )
        return out


# -- point statuses from a CSV or JSON file -----------------------------------------

_ID_KEYS = ("id", "point_id")


def point_changes_from_rows(
    rows: Iterable[Mapping[str, Any]], source: str = "<input>"
) -> list[PointChange]:
    """Point changes from parsed CSV or JSON rows: ``id`` (or ``point_id``), ``status``
    and optional ``x_cm``, ``y_cm``, ``depth_mm``, ``volume_ml`` (blank = not given).
    Rows with status ``done`` and nothing else change nothing, but their ids are still
    checked against the plan by :func:`deliver`."""
    out: list[PointChange] = []
    for n, row in enumerate(rows, start=1):
        where = f"{source}: row {n}"
        pid = next((row[k] for k in _ID_KEYS if row.get(k) not in (None, "")), None)
        if pid is None or row.get("status") in (None, ""):
            raise ChartingError(f"{where}: needs 'id' and 'status'")
        values = {k: _cell(row.get(k)) for k in COLUMNS}
        try:
            change = PointChange(str(pid).strip(), str(row["status"]).strip().lower(), **values)  # type: ignore[arg-type]
        except ChartingError as exc:
            raise ChartingError(f"{where}: {exc}") from None
        out.append(change)
    return out


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


__all__ = [
    "Addendum",
    "AnaestheticApplication",
    "Delivery",
    "DeliveryTotals",
    "MixCheck",
    "Needle",
    "PlannedPoints",
    "PointChange",
    "PointStatus",
    "ProductUse",
    "SessionRecord",
    "Signature",
    "check_mix",
    "deliver",
    "point_changes_from_rows",
]
