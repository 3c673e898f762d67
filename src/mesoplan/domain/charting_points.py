"""Planned and delivered injection points, in columnar form.

A session's plan is a table of points (``ids``, ``x_cm``, ``y_cm``, ``depth_mm``,
``volume_ml``), held as NumPy arrays, never an object per point. What was delivered is
the same table with a status per point: every planned point is ``done`` unless a change
marks it ``skipped`` or ``moved`` (with its new coordinates), with the actual depth or
volume where they differ; points ``added`` get ids ``<zone>:a1``, ``<zone>:a2``, ...
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import ChartingError

FloatArray = npt.NDArray[np.float64]

_PLANNED_ID = re.compile(r"^(?P<zone>[A-Za-z0-9][A-Za-z0-9_.-]*):(?P<index>\d+)$")
_ADDED_ID = re.compile(r"^(?P<zone>[A-Za-z0-9][A-Za-z0-9_.-]*):a(?P<index>[1-9]\d*)$")
_ZONE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
COLUMNS: tuple[str, ...] = ("x_cm", "y_cm", "depth_mm", "volume_ml")


class PointStatus(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    MOVED = "moved"
    ADDED = "added"


STATUS_CODES: tuple[PointStatus, ...] = tuple(PointStatus)
"""The order of the integer codes in :attr:`Delivery.status_codes` (0 = done, ...)."""


def _column(values: Any, name: str, n: int | None = None) -> FloatArray:
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ChartingError(f"{name}: expected numbers") from None
    if arr.ndim != 1:
        raise ChartingError(f"{name}: expected a one-dimensional column")
    if n is not None and arr.shape[0] != n:
        raise ChartingError(f"{name}: {arr.shape[0]} values for {n} point ids")
    arr.setflags(write=False)
    return arr


def _check_values(ids: Sequence[str], depth_mm: FloatArray, volume_ml: FloatArray) -> None:
    for name, arr, ok in (
        ("depth_mm", depth_mm, depth_mm > 0),
        ("volume_ml", volume_ml, volume_ml >= 0),
    ):
        bad = np.flatnonzero(~ok | ~np.isfinite(arr))
        if bad.size:
            i = int(bad[0])
            valid = "greater than 0" if name == "depth_mm" else "0 or more"
            raise ChartingError(f"point {ids[i]}: {name} is {arr[i]}; valid: a number {valid}")


@dataclass(frozen=True, eq=False)
class PlannedPoints:
    """The planned points of a session, columnar. Ids are ``<zone>:<index>``."""

    ids: tuple[str, ...]
    x_cm: FloatArray
    y_cm: FloatArray
    depth_mm: FloatArray
    volume_ml: FloatArray

    def __post_init__(self) -> None:
        ids = tuple(self.ids)
        object.__setattr__(self, "ids", ids)
        for name in COLUMNS:
            object.__setattr__(self, name, _column(getattr(self, name), name, len(ids)))
        for pid in ids:
            if not isinstance(pid, str) or not _PLANNED_ID.match(pid):
                raise ChartingError(f"planned point id {pid!r} is not of the form <zone>:<index>")
        if len(set(ids)) != len(ids):
            seen: set[str] = set()
            dup = next(p for p in ids if p in seen or seen.add(p))  # type: ignore[func-returns-value]
            raise ChartingError(f"planned point id {dup!r} appears twice")
        bad = np.flatnonzero(~np.isfinite(self.x_cm) | ~np.isfinite(self.y_cm))
        if bad.size:
            raise ChartingError(f"point {ids[int(bad[0])]}: x_cm and y_cm must be finite numbers")
        _check_values(ids, self.depth_mm, self.volume_ml)
        object.__setattr__(self, "_index", {pid: i for i, pid in enumerate(ids)})

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> PlannedPoints:
        """From rows ``{id, x_cm, y_cm, depth_mm, volume_ml}`` (a plan's JSON points)."""
        rows = list(rows)
        for i, row in enumerate(rows):
            missing = [k for k in ("id", *COLUMNS) if k not in row]
            if missing:
                raise ChartingError(f"planned point {i}: missing {', '.join(missing)}")
        ids = tuple(str(r["id"]) for r in rows)
        columns = {name: _column([row[name] for row in rows], name) for name in COLUMNS}
        return cls(ids, **columns)

    @classmethod
    def from_plan(cls, plan: Mapping[str, Any]) -> PlannedPoints:
        """From a plan's JSON document: the points of every entry of ``zones``."""
        zones = plan.get("zones")
        if not isinstance(zones, list):
            raise ChartingError("plan: expected a 'zones' list")
        return cls.from_rows(p for z in zones for p in z.get("points", []))

    @classmethod
    def from_table(cls, text: str) -> PlannedPoints:
        """From a compact table: one point a line, ``id x_cm y_cm depth_mm volume_ml``
        separated by spaces or commas; blank lines and ``#`` comments are skipped."""
        rows = []
        for n, line in enumerate(text.splitlines(), start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            cells = re.split(r"[\s,]+", line)
            if len(cells) != 5:
                raise ChartingError(
                    f"line {n}: expected 5 cells (id x_cm y_cm depth_mm volume_ml), "
                    f"got {len(cells)}"
                )
            rows.append(dict(zip(("id", *COLUMNS), cells, strict=True)))
        return cls.from_rows(rows)

    def __len__(self) -> int:
        return len(self.ids)

    def index_of(self, point_id: str) -> int:
        index: dict[str, int] = self._index  # type: ignore[attr-defined]
        try:
            return index[point_id]
        except KeyError:
            raise ChartingError(self._unknown_message(point_id)) from None

    def __contains__(self, point_id: object) -> bool:
        return point_id in self._index  # type: ignore[attr-defined]

    @property
    def zones(self) -> tuple[str, ...]:
        """The zones in the order they first appear."""
        return tuple(dict.fromkeys(zone_of(p) for p in self.ids))

    def zone_ranges(self) -> dict[str, tuple[str, str, int]]:
        """Per zone: first id, last id and point count."""
        out: dict[str, tuple[str, str, int]] = {}
        for pid in self.ids:
            z = zone_of(pid)
            first, _, count = out.get(z, (pid, pid, 0))
            out[z] = (first, pid, count + 1)
        return out

    def _unknown_message(self, point_id: str) -> str:
        ranges = self.zone_ranges()
        if not ranges:
            return f"unknown point id {point_id!r}: the plan has no points"
        parts = [f"{first} .. {last} ({n})" for first, last, n in ranges.values()]
        return f"unknown point id {point_id!r}; the plan's points: {'; '.join(parts)}"

    @property
    def planned_volume_ml(self) -> float:
        return float(self.volume_ml.sum())


def zone_of(point_id: str) -> str:
    return point_id.rsplit(":", 1)[0]


@dataclass(frozen=True)
class PointChange:
    """A change to the default (every planned point done).

    ``skipped``: the point was not injected. ``moved``: injected at ``x_cm, y_cm``.
    ``done`` or ``moved`` may give the actual ``depth_mm``/``volume_ml`` where they
    differ from the plan. ``added``: ``point_id`` is the zone (or ``<zone>:aN``) and
    ``x_cm, y_cm`` are required; depth and volume default to the zone's planned median.
    """

    point_id: str
    status: PointStatus
    x_cm: float | None = None
    y_cm: float | None = None
    depth_mm: float | None = None
    volume_ml: float | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "status", PointStatus(self.status))
        except ValueError:
            valid = ", ".join(s.value for s in PointStatus)
            raise ChartingError(
                f"point {self.point_id}: status {self.status!r} is not valid; valid: {valid}"
            ) from None
        for name in COLUMNS:
            value = getattr(self, name)
            if value is None:
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ChartingError(
                    f"point {self.point_id}: {name} {value!r} is not a number"
                ) from None
            if not math.isfinite(number):
                raise ChartingError(f"point {self.point_id}: {name} must be a finite number")
            object.__setattr__(self, name, number)
        _check_change(self)


def _check_change(c: PointChange) -> None:
    where = f"point {c.point_id}"
    has_xy = c.x_cm is not None or c.y_cm is not None
    both_xy = c.x_cm is not None and c.y_cm is not None
    if c.status in (PointStatus.MOVED, PointStatus.ADDED) and not both_xy:
        raise ChartingError(f"{where}: a {c.status.value} point needs x_cm and y_cm")
    if c.status is PointStatus.DONE and has_xy:
        raise ChartingError(f"{where}: new coordinates given; mark the point 'moved'")
    if c.status is PointStatus.SKIPPED and (has_xy or c.depth_mm is not None or c.volume_ml):
        raise ChartingError(f"{where}: a skipped point takes no coordinates, depth or volume")
    if c.depth_mm is not None and c.depth_mm <= 0:
        raise ChartingError(f"{where}: depth_mm is {c.depth_mm}; valid: greater than 0")
    if c.volume_ml is not None and c.volume_ml <= 0 and c.status is not PointStatus.SKIPPED:
        raise ChartingError(
            f"{where}: volume_ml is {c.volume_ml}; valid: greater than 0 "
            "(a point that received nothing is 'skipped')"
        )
    if c.status is PointStatus.ADDED and not (
        _ZONE.match(c.point_id) or _ADDED_ID.match(c.point_id)
    ):
        raise ChartingError(f"{where}: an added point names its zone, or an id <zone>:a<n>")
    if c.status is not PointStatus.ADDED and not _PLANNED_ID.match(c.point_id):
        raise ChartingError(
            f"unknown point id {c.point_id!r}: planned ids are <zone>:<index>; "
            "to add a point, give its zone with status 'added'"
        )


def iter_rows(
    ids: Sequence[str], status: Sequence[PointStatus], columns: Mapping[str, FloatArray]
) -> Iterator[dict[str, Any]]:
    for i, pid in enumerate(ids):
        row: dict[str, Any] = {"id": pid, "status": status[i].value}
        for name in COLUMNS:
            value = float(columns[name][i])
            row[name] = None if math.isnan(value) else value
        yield row


@dataclass(frozen=True)
class DeliveryTotals:
    points_planned: int
    points_done: int
    points_moved: int
    points_skipped: int
    points_added: int
    planned_volume_ml: float
    volume_ml: float

    @property
    def points_injected(self) -> int:
        """Done, moved and added points: every point that was injected."""
        return self.points_done + self.points_moved + self.points_added


@dataclass(frozen=True, eq=False)
class Delivery:
    """What was delivered: planned points first (same order), then added points.

    ``status_codes`` index :data:`STATUS_CODES`. A skipped point keeps its planned
    coordinates, with no depth (NaN) and volume 0."""

    planned: PlannedPoints
    ids: tuple[str, ...]
    status_codes: npt.NDArray[np.int8]
    x_cm: FloatArray
    y_cm: FloatArray
    depth_mm: FloatArray
    volume_ml: FloatArray

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in COLUMNS:
            object.__setattr__(self, name, _column(getattr(self, name), name, n))
        codes = np.array(self.status_codes, dtype=np.int8)
        if codes.shape != (n,) or (codes.size and (codes.min() < 0 or codes.max() >= 4)):
            raise ChartingError("status_codes: one code 0..3 per point")
        codes.setflags(write=False)
        object.__setattr__(self, "status_codes", codes)
        _check_delivery(self)
        object.__setattr__(self, "_index", {pid: i for i, pid in enumerate(self.ids)})

    def __len__(self) -> int:
        return len(self.ids)

    def status_of(self, point_id: str) -> PointStatus:
        index: dict[str, int] = self._index  # type: ignore[attr-defined]
        if point_id not in index:
            raise ChartingError(self.planned._unknown_message(point_id))
        return STATUS_CODES[int(self.status_codes[index[point_id]])]

    @property
    def statuses(self) -> tuple[PointStatus, ...]:
        return tuple(STATUS_CODES[int(c)] for c in self.status_codes)

    def totals(self) -> DeliveryTotals:
        counts = np.bincount(self.status_codes, minlength=4)
        injected = self.status_codes != STATUS_CODES.index(PointStatus.SKIPPED)
        return DeliveryTotals(
            points_planned=len(self.planned),
            points_done=int(counts[0]),
            points_skipped=int(counts[1]),
            points_moved=int(counts[2]),
            points_added=int(counts[3]),
            planned_volume_ml=self.planned.planned_volume_ml,
            volume_ml=float(self.volume_ml[injected].sum()),
        )

    def rows(self) -> Iterator[dict[str, Any]]:
        """One dict a point: id, status, x_cm, y_cm, depth_mm (None if skipped), volume_ml."""
        columns = {name: getattr(self, name) for name in COLUMNS}
        return iter_rows(self.ids, self.statuses, columns)

    def changes(self) -> tuple[PointChange, ...]:
        """The changes that rebuild this delivery from its plan with :func:`deliver`."""
        out: list[PointChange] = []
        p = self.planned
        for i, status in enumerate(self.statuses):
            change = _change_at(self, p, i, status)
            if change is not None:
                out.append(change)
        return tuple(out)


def _change_at(d: Delivery, p: PlannedPoints, i: int, status: PointStatus) -> PointChange | None:
    pid = d.ids[i]
    if status is PointStatus.SKIPPED:
        return PointChange(pid, status)
    if status is PointStatus.ADDED:
        return PointChange(
            pid,
            status,
            float(d.x_cm[i]),
            float(d.y_cm[i]),
            float(d.depth_mm[i]),
            float(d.volume_ml[i]),
        )
    depth = float(d.depth_mm[i]) if d.depth_mm[i] != p.depth_mm[i] else None
    volume = float(d.volume_ml[i]) if d.volume_ml[i] != p.volume_ml[i] else None
    if status is PointStatus.MOVED:
        return PointChange(pid, status, float(d.x_cm[i]), float(d.y_cm[i]), depth, volume)
    if depth is None and volume is None:
        return None
    return PointChange(pid, status, depth_mm=depth, volume_ml=volume)


def _check_delivery(d: Delivery) -> None:
    n = len(d.planned)
    if d.ids[:n] != d.planned.ids:
        raise ChartingError("a delivery lists the planned points first, in the plan's order")
    codes = d.status_codes
    added = STATUS_CODES.index(PointStatus.ADDED)
    if np.any(codes[:n] == added) or np.any(codes[n:] != added):
        raise ChartingError("only points beyond the plan are 'added'")
    for pid in d.ids[n:]:
        if not _ADDED_ID.match(pid):
            raise ChartingError(f"added point id {pid!r} is not of the form <zone>:a<n>")
    if len(set(d.ids)) != len(d.ids):
        raise ChartingError("a point id appears twice in the delivery")
    injected = codes != STATUS_CODES.index(PointStatus.SKIPPED)
    _check_values(
        [d.ids[i] for i in np.flatnonzero(injected)], d.depth_mm[injected], d.volume_ml[injected]
    )


def deliver(planned: PlannedPoints, changes: Iterable[PointChange] = ()) -> Delivery:
    """The delivered state: every planned point done, except where a change says
    otherwise. An unknown point id, or two changes to one point, is an error naming it."""
    status = np.zeros(len(planned), dtype=np.int8)
    cols = {name: np.array(getattr(planned, name), dtype=np.float64) for name in COLUMNS}
    seen: set[str] = set()
    added: list[PointChange] = []
    for change in changes:
        if change.status is PointStatus.ADDED:
            added.append(change)
            continue
        i = planned.index_of(change.point_id)
        if change.point_id in seen:
            raise ChartingError(f"point {change.point_id}: given twice")
        seen.add(change.point_id)
        _apply(change, i, status, cols)
    ids, extra = _added_points(planned, added)
    codes = np.concatenate([status, np.full(len(ids), 3, dtype=np.int8)])
    for name in COLUMNS:
        cols[name] = np.concatenate([cols[name], np.array([e[name] for e in extra], dtype=float)])
    return Delivery(planned, planned.ids + tuple(ids), codes, **cols)


def _apply(
    change: PointChange, i: int, status: npt.NDArray[np.int8], cols: dict[str, FloatArray]
) -> None:
    status[i] = STATUS_CODES.index(change.status)
    if change.status is PointStatus.SKIPPED:
        cols["depth_mm"][i] = np.nan
        cols["volume_ml"][i] = 0.0
        return
    for name in COLUMNS:
        value = getattr(change, name)
        if value is not None:
            cols[name][i] = value


def _added_points(
    planned: PlannedPoints, added: list[PointChange]
) -> tuple[list[str], list[dict[str, float]]]:
    explicit = [c.point_id for c in added if ":" in c.point_id]
    if len(set(explicit)) != len(explicit):
        dup = next(p for p in explicit if explicit.count(p) > 1)
        raise ChartingError(f"added point {dup}: given twice")
    used = set(explicit)
    counters: dict[str, int] = {}
    defaults: dict[str, tuple[float, float]] = {}
    ids: list[str] = []
    rows: list[dict[str, float]] = []
    for c in added:
        zone = zone_of(c.point_id) if ":" in c.point_id else c.point_id
        pid = c.point_id
        if ":" not in pid:
            k = counters.get(zone, 0) + 1
            while f"{zone}:a{k}" in used:
                k += 1
            counters[zone] = k
            pid = f"{zone}:a{k}"
            used.add(pid)
        ids.append(pid)
        rows.append(_added_values(planned, zone, c, defaults))
    return ids, rows


def _added_values(
    planned: PlannedPoints,
    zone: str,
    c: PointChange,
    defaults: dict[str, tuple[float, float]],
) -> dict[str, float]:
    assert c.x_cm is not None and c.y_cm is not None
    depth, volume = c.depth_mm, c.volume_ml
    if depth is None or volume is None:
        if zone not in defaults:
            defaults[zone] = _zone_medians(planned, zone)
        depth = defaults[zone][0] if depth is None else depth
        volume = defaults[zone][1] if volume is None else volume
    return {"x_cm": c.x_cm, "y_cm": c.y_cm, "depth_mm": depth, "volume_ml": volume}


def _zone_medians(planned: PlannedPoints, zone: str) -> tuple[float, float]:
    """The planned median depth and volume of a zone: the defaults of an added point."""
    mask = np.fromiter((zone_of(p) == zone for p in planned.ids), dtype=bool, count=len(planned))
    if not mask.any():
        zones = ", ".join(planned.zones) or "none"
        raise ChartingError(
            f"added point in zone {zone!r}: give depth_mm and volume_ml (the plan has no "
            f"points in that zone to take them from; planned zones: {zones})"
        )
    return float(np.median(planned.depth_mm[mask])), float(np.median(planned.volume_ml[mask]))
