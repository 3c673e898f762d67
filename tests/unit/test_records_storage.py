"""The pure parts of the records storage: charted points in compact form, planned maps,
the schema revision read without Alembic, and the CLI's --use parsing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoplan.adapters.db import revision
from mesoplan.adapters.db.maps import compact, decode_points, encode_points, replay
from mesoplan.domain.charting_points import PlannedPoints, PointChange, deliver


def planned(n: int) -> PlannedPoints:
    ids = tuple(f"thigh-left-lateral:{i}" for i in range(n))
    xs = [2.0 * (i % 5) for i in range(n)]
    ys = [2.0 * (i // 5) for i in range(n)]
    return PlannedPoints(ids, xs, ys, [1.5] * n, [0.2] * n)


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[PlannedPoints, list[PointChange]]:
    n = draw(st.integers(1, 60))
    plan = planned(n)
    chosen = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    changes = []
    for i in chosen:
        pid = plan.ids[i]
        kind = draw(st.sampled_from(["skipped", "moved", "deeper", "less"]))
        if kind == "skipped":
            changes.append(PointChange(pid, "skipped"))  # type: ignore[arg-type]
        elif kind == "moved":
            x = draw(st.floats(-20, 20))
            changes.append(PointChange(pid, "moved", x, 1.0))  # type: ignore[arg-type]
        elif kind == "deeper":
            changes.append(PointChange(pid, "done", depth_mm=1.9))  # type: ignore[arg-type]
        else:
            changes.append(PointChange(pid, "done", volume_ml=0.1))  # type: ignore[arg-type]
    for _ in range(draw(st.integers(0, 3))):
        changes.append(PointChange("thigh-left-lateral", "added", 30.0, 30.0))  # type: ignore[arg-type]
    return plan, changes


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


@given(deliveries())
def test_compact_storage_gives_back_the_same_delivery(
    case: tuple[PlannedPoints, list[PointChange]],
) -> None:
    plan, changes = case
    delivery = deliver(plan, changes)
    status, rows = compact(delivery)
    assert len(status) == len(plan)
    assert all(r.status.value != "skipped" for r in rows)
    back = replay(decode_points(encode_points(plan)[1]), status, rows)
    assert back.ids == delivery.ids
    assert np.array_equal(back.status_codes, delivery.status_codes)
    for name in ("x_cm", "y_cm", "depth_mm", "volume_ml"):
        assert same(getattr(back, name), getattr(delivery, name)), name


def test_every_point_done_needs_no_row() -> None:
    status, rows = compact(deliver(planned(30)))
    assert status == bytes(30) and rows == []


def test_a_planned_map_is_named_by_its_content() -> None:
    a, data = encode_points(planned(10))
    assert a == encode_points(planned(10))[0] != encode_points(planned(11))[0]
    back = decode_points(data)
    assert back.ids == planned(10).ids and math.isclose(back.planned_volume_ml, 2.0)


def test_status_bytes_must_match_the_plan() -> None:
    with pytest.raises(ValueError, match="3 status bytes for 4 planned points"):
        replay(planned(4), bytes(3), [])


def test_the_head_revision_is_read_from_the_files() -> None:
    from mesoplan.adapters.db.migrate import head_revision

    assert revision.head() == head_revision()


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("Tefamin=TF-A1@VA:0.75", ("Tefamin", "TF-A1", 0.75, "VA")),
        ("Water for injection=WFI-9:5", ("Water for injection", "WFI-9", 5.0, None)),
        ("Carnitine=CN-7@V-CN-7:.5", ("Carnitine", "CN-7", 0.5, "V-CN-7")),
    ],
)
def test_use_specs(spec: str, expected: tuple[object, ...]) -> None:
    from mesoplan.entrypoints.cli.records_common import parse_use

    u = parse_use(spec)
    assert (u.product, u.lot_number, u.volume_ml, u.vial) == expected


@pytest.mark.parametrize("spec", ["Tefamin", "Tefamin=TF-A1", "=TF:1", "Tefamin=TF-A1:x"])
def test_bad_use_specs_exit_2(spec: str) -> None:
    import typer

    from mesoplan.entrypoints.cli.records_common import parse_use

    with pytest.raises(typer.Exit) as exc:
        parse_use(spec)
    assert exc.value.exit_code == 2
