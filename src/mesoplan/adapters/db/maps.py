"""Planned maps stored columnar: zlib-compressed JSON arrays, named by their hash."""

from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

import numpy as np

from ...domain.charting_points import (
    COLUMNS,
    STATUS_CODES,
    Delivery,
    PlannedPoints,
    PointChange,
    PointStatus,
    deliver,
)

SKIPPED = STATUS_CODES.index(PointStatus.SKIPPED)


def encode_points(points: PlannedPoints) -> tuple[str, bytes]:
    """``(content_hash, data)`` of a planned map."""
    doc: dict[str, list[Any]] = {"ids": list(points.ids)}
    doc.update({name: [float(v) for v in getattr(points, name)] for name in COLUMNS})
    text = json.dumps(doc, separators=(",", ":"), sort_keys=True)
    digest = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    return digest, zlib.compress(text.encode("utf-8"), 6)


def decode_points(data: bytes) -> PlannedPoints:
    doc = json.loads(zlib.decompress(data))
    return PlannedPoints(
        tuple(doc["ids"]), **{name: np.array(doc[name], dtype=np.float64) for name in COLUMNS}
    )


def compact(delivery: Delivery) -> tuple[bytes, list[PointChange]]:
    """A delivery as stored: one status byte per planned point, and the changes a byte
    cannot say (a point moved, another depth or volume, an added point)."""
    status = encode_status(delivery.status_codes[: len(delivery.planned)])
    rows = [c for c in delivery.changes() if c.status is not PointStatus.SKIPPED]
    return status, rows


def replay(planned: PlannedPoints, status: bytes, rows: list[PointChange]) -> Delivery:
    """The delivery back from its stored form (the inverse of :func:`compact`)."""
    codes = decode_status(status)
    if len(codes) != len(planned):
        raise ValueError(f"{len(codes)} status bytes for {len(planned)} planned points")
    skipped = [
        PointChange(planned.ids[int(i)], PointStatus.SKIPPED)
        for i in np.flatnonzero(codes == SKIPPED)
    ]
    return deliver(planned, [*skipped, *rows])


def encode_status(codes: np.ndarray) -> bytes:
    """One byte per planned point: the status code (0 done, 1 skipped, 2 moved)."""
    return np.asarray(codes, dtype=np.int8).tobytes()


def decode_status(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.int8)
