"""Use cases for charting one point at a time (a tap on the map): mark a planned point
done, skipped or moved, or every point done, on a session that is not signed yet."""

from __future__ import annotations

import numpy as np

from ..domain.charting_points import PointChange, PointStatus
from ..domain.errors import ChartingError
from .session_store import load_record
from .session_views import SessionView
from .sessions import correct_session, refuse_if_signed
from .unit_of_work import UnitOfWork


def _current_changes(uow: UnitOfWork, session_id: int) -> list[PointChange]:
    with uow:
        row = uow.records.treatment_session(session_id)
        refuse_if_signed(row)
        return list(load_record(uow, row).delivery.changes())


def mark_point(
    uow: UnitOfWork,
    actor: str | None,
    session_id: int,
    point_id: str,
    status: str,
    x_cm: float | None = None,
    y_cm: float | None = None,
) -> SessionView:
    """Replace whatever was charted for ``point_id`` by ``status`` (``moved`` needs the
    new ``x_cm, y_cm``); every other point keeps its mark."""
    marks = ("done", "skipped", "moved")
    if status not in marks:
        raise ChartingError(f"point {point_id}: mark {status!r}; valid: {', '.join(marks)}")
    change = PointChange(point_id, PointStatus(status), x_cm, y_cm)
    others = [c for c in _current_changes(uow, session_id) if c.point_id != point_id]
    if change.status is not PointStatus.DONE:
        others.append(change)
    return correct_session(uow, actor, session_id, changes=others)


def mark_all_done(uow: UnitOfWork, actor: str | None, session_id: int) -> SessionView:
    """Every planned point done as planned (added points are dropped)."""
    _current_changes(uow, session_id)
    return correct_session(uow, actor, session_id, changes=[])


def mark_area(
    uow: UnitOfWork,
    actor: str | None,
    session_id: int,
    zone: str,
    x_cm: float,
    y_cm: float,
    radius_cm: float,
    status: str = "skipped",
) -> SessionView:
    """Mark every planned point of ``zone`` within ``radius_cm`` of (x, y) skipped (or
    done again): for dense maps, where one tap per point is not practical."""
    if status not in ("done", "skipped"):
        raise ChartingError(f"area mark {status!r}; valid: done, skipped")
    if not radius_cm > 0:
        raise ChartingError(f"area radius must be more than 0 cm, got {radius_cm:g}")
    with uow:
        row = uow.records.treatment_session(session_id)
        refuse_if_signed(row)
        record = load_record(uow, row)
        planned = record.delivery.planned
        changes = list(record.delivery.changes())
    ids = np.array(planned.ids)
    near = (planned.x_cm - x_cm) ** 2 + (planned.y_cm - y_cm) ** 2 <= radius_cm**2
    hits = set(ids[near & np.char.startswith(ids, f"{zone}:")].tolist())
    if not hits:
        raise ChartingError(f"no planned point of {zone} lies within {radius_cm:g} cm of there")
    kept = [c for c in changes if c.point_id not in hits]
    if status == "skipped":
        kept += [PointChange(pid, PointStatus.SKIPPED) for pid in sorted(hits)]
    return correct_session(uow, actor, session_id, changes=kept)
