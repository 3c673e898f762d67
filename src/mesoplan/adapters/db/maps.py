"""Planned maps stored columnar: zlib-compressed JSON arrays, named by their hash."""

from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

import numpy as np

from ...domain.charting_points import COLUMNS, PlannedPoints


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


def encode_status(codes: np.ndarray) -> bytes:
    """One byte per planned point: the status code (0 done, 1 skipped, 2 moved)."""
    return np.asarray(codes, dtype=np.int8).tobytes()


def decode_status(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.int8)
