"""Charting a session: delivered points against the plan, the mix, signing, addenda."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoplan import (
    ChartingError,
    PlannedPoints,
    PointChange,
    PointStatus,
    ProductUse,
    Protocol,
    SessionRecord,
    SignedRecordError,
    builtin_protocols,
    check_mix,
    deliver,
    point_changes_from_rows,
)
from mesoplan.domain.charting_points import Delivery

AT = datetime(2024, 5, 6, 10, 0)
LEFT = "thigh-left-lateral"
RIGHT = "thigh-right-lateral"


def plan(n_left: int = 25, n_right: int = 25) -> PlannedPoints:
    ids = [f"{LEFT}:{i}" for i in range(n_left)] + [f"{RIGHT}:{i}" for i in range(n_right)]
    n = len(ids)
    return PlannedPoints(
        ids=tuple(ids),
        x_cm=np.arange(n, dtype=float) * 2.0,
        y_cm=np.zeros(n),
        depth_mm=np.full(n, 1.5),
        volume_ml=np.full(n, 0.2),
    )


@pytest.fixture(scope="module")
def cellulite() -> Protocol:
    return builtin_protocols()["cellulite"]


@pytest.fixture(scope="module")
def hair() -> Protocol:
    return builtin_protocols()["hair"]


def cellulite_mix() -> list[ProductUse]:
    return [
        ProductUse("Tefamin 240 mg/1.5 mL", "aminophylline", "TF-2291", 1.5, "tefamine", "V-001"),
        ProductUse("L-carnitine 1 g/5 mL", "levocarnitine", "LC-0457", 5.0, "carnitine"),
    ]


def record(cellulite: Protocol, changes: list[PointChange] | None = None) -> SessionRecord:
    return SessionRecord.new("S-1", cellulite, AT, plan(), changes or [])


# -- planned points -----------------------------------------------------------------


def test_planned_points_from_rows_table_and_plan_json_agree() -> None:
    rows = [
        {"id": f"{LEFT}:0", "x_cm": 0.0, "y_cm": 1.0, "depth_mm": 1.5, "volume_ml": 0.2},
        {"id": f"{LEFT}:1", "x_cm": 2.0, "y_cm": 1.0, "depth_mm": 1.5, "volume_ml": 0.2},
    ]
    a = PlannedPoints.from_rows(rows)
    b = PlannedPoints.from_table(
        f"# id x y depth volume\n{LEFT}:0 0 1 1.5 0.2\n\n{LEFT}:1,2,1,1.5,0.2"
    )
    c = PlannedPoints.from_plan({"zones": [{"zone": LEFT, "points": rows}]})
    for p in (a, b, c):
        assert p.ids == (f"{LEFT}:0", f"{LEFT}:1")
        assert p.x_cm.tolist() == [0.0, 2.0]
        assert p.planned_volume_ml == pytest.approx(0.4)
        assert p.zones == (LEFT,)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ids": ("thigh", f"{LEFT}:1")}, "not of the form <zone>:<index>"),
        ({"ids": (f"{LEFT}:0", f"{LEFT}:0")}, "appears twice"),
        ({"depth_mm": [0.0, 1.0]}, "depth_mm is 0.0; valid: a number greater than 0"),
        ({"volume_ml": [-0.1, 0.2]}, "volume_ml is -0.1"),
        ({"x_cm": [math.nan, 0.0]}, "must be finite"),
        ({"y_cm": [0.0]}, "1 values for 2 point ids"),
    ],
)
def test_planned_points_are_validated(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "ids": (f"{LEFT}:0", f"{LEFT}:1"),
        "x_cm": [0.0, 1.0],
        "y_cm": [0.0, 1.0],
        "depth_mm": [1.0, 1.0],
        "volume_ml": [0.1, 0.1],
    }
    base.update(kwargs)
    with pytest.raises(ChartingError, match=message):
        PlannedPoints(**base)  # type: ignore[arg-type]


def test_planned_columns_are_read_only() -> None:
    p = plan(2, 0)
    with pytest.raises(ValueError):
        p.x_cm[0] = 5.0


def test_table_with_a_short_line_names_the_line() -> None:
    with pytest.raises(ChartingError, match="line 2: expected 5 cells"):
        PlannedPoints.from_table(f"{LEFT}:0 0 0 1 0.1\n{LEFT}:1 0 0 1")


# -- delivery -----------------------------------------------------------------------


def test_every_planned_point_is_done_by_default() -> None:
    d = deliver(plan())
    t = d.totals()
    assert (t.points_planned, t.points_done, t.points_injected) == (50, 50, 50)
    assert t.volume_ml == pytest.approx(10.0)
    assert set(d.statuses) == {PointStatus.DONE}


def test_skipped_moved_added_and_actual_values() -> None:
    d = deliver(
        plan(),
        [
            PointChange(f"{LEFT}:3", PointStatus.SKIPPED),
            PointChange(f"{LEFT}:4", "moved", x_cm=8.5, y_cm=1.0),  # type: ignore[arg-type]
            PointChange(f"{LEFT}:5", "done", depth_mm=1.8, volume_ml=0.15),  # type: ignore[arg-type]
            PointChange(LEFT, "added", x_cm=1.0, y_cm=3.0),  # type: ignore[arg-type]
            PointChange(LEFT, "added", x_cm=3.0, y_cm=3.0, depth_mm=1.2, volume_ml=0.1),  # type: ignore[arg-type]
            PointChange(RIGHT, "added", x_cm=0.0, y_cm=3.0),  # type: ignore[arg-type]
        ],
    )
    t = d.totals()
    assert (t.points_done, t.points_skipped, t.points_moved, t.points_added) == (48, 1, 1, 3)
    assert t.points_injected == 52
    # 50 x 0.2 - 0.2 (skipped) - 0.05 (less at :5) + 0.2 + 0.1 + 0.2 (added)
    assert t.volume_ml == pytest.approx(10.25)
    assert d.ids[-3:] == (f"{LEFT}:a1", f"{LEFT}:a2", f"{RIGHT}:a1")
    rows = {r["id"]: r for r in d.rows()}
    assert rows[f"{LEFT}:3"] == {
        "id": f"{LEFT}:3",
        "status": "skipped",
        "x_cm": 6.0,
        "y_cm": 0.0,
        "depth_mm": None,
        "volume_ml": 0.0,
    }
    assert (rows[f"{LEFT}:4"]["x_cm"], rows[f"{LEFT}:4"]["y_cm"]) == (8.5, 1.0)
    assert rows[f"{LEFT}:5"]["depth_mm"] == 1.8
    assert rows[f"{LEFT}:a1"]["depth_mm"] == 1.5 and rows[f"{LEFT}:a1"]["volume_ml"] == 0.2
    assert d.status_of(f"{LEFT}:a2") is PointStatus.ADDED


def test_explicit_added_ids_are_kept_and_auto_ids_skip_them() -> None:
    d = deliver(
        plan(1, 0),
        [
            PointChange(f"{LEFT}:a1", PointStatus.ADDED, 0, 0),
            PointChange(LEFT, PointStatus.ADDED, 1, 1),
        ],
    )
    assert d.ids == (f"{LEFT}:0", f"{LEFT}:a1", f"{LEFT}:a2")


def test_an_unknown_point_id_is_an_error_naming_it_and_the_valid_ids() -> None:
    with pytest.raises(ChartingError) as err:
        deliver(plan(), [PointChange(f"{LEFT}:99", PointStatus.SKIPPED)])
    assert str(err.value) == (
        f"unknown point id '{LEFT}:99'; the plan's points: {LEFT}:0 .. {LEFT}:24 (25); "
        f"{RIGHT}:0 .. {RIGHT}:24 (25)"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda: PointChange("nope", PointStatus.SKIPPED), "unknown point id 'nope'"),
        (lambda: PointChange(f"{LEFT}:1", PointStatus.MOVED, x_cm=1.0), "needs x_cm and y_cm"),
        (lambda: PointChange(f"{LEFT}:1", PointStatus.DONE, 1.0, 1.0), "mark the point 'moved'"),
        (lambda: PointChange(f"{LEFT}:1", PointStatus.SKIPPED, volume_ml=0.2), "takes no"),
        (lambda: PointChange(f"{LEFT}:1", "gone"), "status 'gone' is not valid; valid: done"),  # type: ignore[arg-type]
        (lambda: PointChange(f"{LEFT}:1", PointStatus.DONE, depth_mm=-1), "greater than 0"),
        (lambda: PointChange(f"{LEFT}:1", PointStatus.DONE, volume_ml="x"), "not a number"),  # type: ignore[arg-type]
        (lambda: PointChange(f"{LEFT}:1", PointStatus.ADDED, 1, 1), "names its zone"),
    ],
)
def test_bad_changes_say_what_would_be_valid(change: object, message: str) -> None:
    with pytest.raises(ChartingError, match=message):
        change()  # type: ignore[operator]


def test_a_point_changed_twice_is_refused() -> None:
    with pytest.raises(ChartingError, match=f"point {LEFT}:1: given twice"):
        deliver(
            plan(),
            [PointChange(f"{LEFT}:1", "skipped"), PointChange(f"{LEFT}:1", "done")],  # type: ignore[arg-type]
        )


def test_an_added_point_in_an_unplanned_zone_needs_depth_and_volume() -> None:
    with pytest.raises(ChartingError, match="planned zones: thigh-left-lateral"):
        deliver(plan(3, 0), [PointChange("hip-left", PointStatus.ADDED, 0, 0)])
    d = deliver(plan(3, 0), [PointChange("hip-left", PointStatus.ADDED, 0, 0, 1.0, 0.1)])
    assert d.ids[-1] == "hip-left:a1"


def test_delivery_changes_rebuild_the_same_delivery() -> None:
    changes = [
        PointChange(f"{LEFT}:0", PointStatus.SKIPPED),
        PointChange(f"{RIGHT}:2", PointStatus.MOVED, 1.0, 2.0, volume_ml=0.3),
        PointChange(f"{RIGHT}:3", PointStatus.DONE, depth_mm=1.2),
        PointChange(RIGHT, PointStatus.ADDED, 0.5, 0.5),
    ]
    d = deliver(plan(), changes)
    again = deliver(d.planned, d.changes())
    assert list(again.rows()) == list(d.rows())


def test_delivery_refuses_inconsistent_columns() -> None:
    p = plan(2, 0)
    with pytest.raises(ChartingError, match="planned points first"):
        Delivery(p, p.ids[::-1], [0, 0], p.x_cm, p.y_cm, p.depth_mm, p.volume_ml)  # type: ignore[arg-type]
    with pytest.raises(ChartingError, match=r"one code 0..3 per point"):
        Delivery(p, p.ids, [0, 7], p.x_cm, p.y_cm, p.depth_mm, p.volume_ml)  # type: ignore[arg-type]


def test_point_changes_from_csv_like_rows() -> None:
    rows = [
        {
            "id": f"{LEFT}:0",
            "status": "Skipped",
            "x_cm": "",
            "y_cm": "",
            "depth_mm": "",
            "volume_ml": "",
        },
        {"point_id": f"{LEFT}:1", "status": "moved", "x_cm": "3.5", "y_cm": "0.5"},
        {"id": LEFT, "status": "added", "x_cm": "1", "y_cm": "2", "volume_ml": "0.1"},
        {"id": f"{LEFT}:2", "status": "done"},
    ]
    changes = point_changes_from_rows(rows, "points.csv")
    assert [c.status for c in changes] == ["skipped", "moved", "added", "done"]
    d = deliver(plan(), changes)
    assert d.totals().points_added == 1
    with pytest.raises(
        ChartingError, match=r"points.csv: row 2: point .*:1: .*needs x_cm and y_cm"
    ):
        point_changes_from_rows([rows[0], {"id": f"{LEFT}:1", "status": "moved"}], "points.csv")
    with pytest.raises(ChartingError, match="row 1: needs 'id' and 'status'"):
        point_changes_from_rows([{"id": f"{LEFT}:1"}])


# -- the mix ------------------------------------------------------------------------


def test_check_mix_links_products_to_ingredients(cellulite: Protocol) -> None:
    checked = check_mix(cellulite, cellulite_mix())
    assert checked.protocol_key == "cellulite@2.0.0"
    assert [u.lot_number for u in checked.by_ingredient["tefamine"]] == ["TF-2291"]
    assert checked.volume_ml == pytest.approx(6.5)


def test_a_protocol_ingredient_no_product_provides_is_refused(cellulite: Protocol) -> None:
    with pytest.raises(ChartingError, match="no product in the mix provides 'carnitine'"):
        check_mix(cellulite, cellulite_mix()[:1])


def test_a_product_providing_a_foreign_ingredient_is_refused(cellulite: Protocol) -> None:
    extra = ProductUse("Lipostabil", "phosphatidylcholine", "PC-1", 2.0, "phosphatidylcholine")
    with pytest.raises(ChartingError, match="valid: tefamine, carnitine"):
        check_mix(cellulite, [*cellulite_mix(), extra])


def test_a_class_may_be_provided_by_several_products(hair: Protocol) -> None:
    uses = [
        ProductUse("NCTF 135", "vitamins (complex)", "N1", 1.0, "vitamins"),
        ProductUse("Biotin 5 mg", "biotin", "B1", 0.5, "Vitamins"),
        ProductUse("Glutathione", "glutathione", "G1", 0.5, "antioxidants"),
        ProductUse("HA 1%", "hyaluronic acid", "H1", 1.0, "hyaluronic acid"),
        ProductUse("Buflomedil", "buflomedil", "F1", 1.0, "vasodilators", "V9"),
    ]
    checked = check_mix(hair, uses)
    assert [u.product for u in checked.by_ingredient["vitamins"]] == ["NCTF 135", "Biotin 5 mg"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"volume_ml": 0}, "volume_ml: 0; valid: a number greater than 0"),
        ({"lot_number": " "}, "lot_number: a non-empty text is required"),
        ({"vial_id": ""}, "vial_id: a non-empty text is required"),
    ],
)
def test_product_use_is_validated(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "product": "Tefamin",
        "active_ingredient": "aminophylline",
        "lot_number": "TF",
        "volume_ml": 1.5,
        "provides": "tefamine",
    }
    base.update(kwargs)
    with pytest.raises(ChartingError, match=message):
        ProductUse(**base)  # type: ignore[arg-type]


# -- the session record -------------------------------------------------------------


def test_a_full_session_is_recorded_and_signed(cellulite: Protocol) -> None:
    r = record(cellulite, [PointChange(f"{LEFT}:0", PointStatus.SKIPPED)])
    r.record_mix(cellulite, cellulite_mix())
    r.record_anaesthetic("EMLA cream", 5.0, datetime(2024, 5, 6, 9, 0))
    r.record_needle(30, 4.0)
    r.record_diluent_lot("WFI-88")
    signature = r.sign("pr-1", datetime(2024, 5, 6, 10, 45))
    assert r.signed and signature.practitioner_id == "pr-1"
    t = r.totals()
    assert (t.points_injected, t.points_skipped) == (49, 1)
    assert t.volume_ml == pytest.approx(9.8)
    assert r.mix_volume_ml == pytest.approx(6.5)
    assert r.warnings() == []  # the diluent (water) makes up the difference
    assert r.needle is not None and (r.needle.gauge, r.needle.length_mm) == (30, 4.0)


def test_more_delivered_than_drawn_warns_without_a_diluent(cellulite: Protocol) -> None:
    r = record(cellulite, [PointChange(f"{LEFT}:0", PointStatus.SKIPPED)])
    r.record_mix(cellulite, cellulite_mix())
    assert r.warnings() == ["delivered 9.800 mL, more than the 6.500 mL drawn into the mix"]
    r.record_diluent_lot("WFI-88")
    assert r.warnings() == []


def test_signing_twice_and_any_change_after_signing_are_refused(cellulite: Protocol) -> None:
    r = record(cellulite)
    r.record_mix(cellulite, cellulite_mix())
    r.sign("pr-1", datetime(2024, 5, 6, 11))
    with pytest.raises(SignedRecordError, match="already signed by pr-1 at 2024-05-06T11:00"):
        r.sign("pr-2", datetime(2024, 5, 6, 12))
    edits = [
        lambda: r.record_points([PointChange(f"{LEFT}:0", PointStatus.SKIPPED)]),
        lambda: r.record_mix(cellulite, cellulite_mix()),
        lambda: r.record_anaesthetic("EMLA cream", 1.0, AT),
        lambda: r.record_needle(32, 4.0),
        lambda: r.record_diluent_lot("W2"),
        lambda: r.record_notes("later"),
        lambda: setattr(r, "performed_at", AT),
        lambda: setattr(r, "signature", None),
        lambda: setattr(r, "addenda", ()),
    ]
    for edit in edits:
        with pytest.raises(SignedRecordError):
            edit()
    assert r.totals().points_skipped == 0


def test_signing_needs_the_mix_and_a_time_after_the_session(cellulite: Protocol) -> None:
    r = record(cellulite)
    with pytest.raises(ChartingError, match="record the mix before signing"):
        r.sign("pr-1", datetime(2024, 5, 6, 11))
    r.record_mix(cellulite, cellulite_mix())
    with pytest.raises(ChartingError, match=r"signing time .* is before"):
        r.sign("pr-1", datetime(2024, 5, 6, 9))
    with pytest.raises(ChartingError, match="time zone"):
        r.sign("pr-1", datetime(2024, 5, 6, 11, tzinfo=UTC))
    assert not r.signed


def test_the_mix_must_follow_the_sessions_protocol(cellulite: Protocol, hair: Protocol) -> None:
    r = record(cellulite)
    with pytest.raises(ChartingError, match=r"follows cellulite@2.0.0, not hair@2.0.0"):
        r.record_mix(hair, [])


def test_addenda_and_cosignature(cellulite: Protocol) -> None:
    r = record(cellulite)
    with pytest.raises(ChartingError, match="not signed yet"):
        r.amend("x", "pr-1", datetime(2024, 5, 7))
    with pytest.raises(ChartingError, match="co-sign after it is signed"):
        r.cosign("md-1", datetime(2024, 5, 7))
    r.record_mix(cellulite, cellulite_mix())
    r.sign("pr-1", datetime(2024, 5, 6, 11))
    a = r.amend("Lot of carnitine was LC-0458, not LC-0457.", "pr-1", datetime(2024, 5, 7, 8))
    assert (a.session_id, a.signed_by) == ("S-1", "pr-1")
    assert r.addenda == (a,)
    with pytest.raises(ChartingError, match="non-empty"):
        r.amend("  ", "pr-1", datetime(2024, 5, 7, 9))
    with pytest.raises(ChartingError, match="someone other than the signer"):
        r.cosign("pr-1", datetime(2024, 5, 7, 9))
    co = r.cosign("md-1", datetime(2024, 5, 7, 9))
    assert r.cosignature == co
    with pytest.raises(SignedRecordError, match="already co-signed"):
        r.cosign("md-2", datetime(2024, 5, 7, 10))


def test_a_stored_signed_record_is_restored_signed(cellulite: Protocol) -> None:
    r = record(cellulite)
    r.record_mix(cellulite, cellulite_mix())
    sig = r.sign("pr-1", datetime(2024, 5, 6, 11))
    restored = SessionRecord(
        r.session_id, r.protocol_key, r.performed_at, r.delivery, r.mix, signature=sig
    )
    assert restored.signed
    with pytest.raises(SignedRecordError):
        restored.record_notes("x")


@pytest.mark.parametrize(("gauge", "length"), [(9, 4.0), (35, 4.0), (30, 0.0), (True, 4.0)])
def test_needle_is_validated(cellulite: Protocol, gauge: int, length: float) -> None:
    with pytest.raises(ChartingError, match="needle"):
        record(cellulite).record_needle(gauge, length)


# -- properties ---------------------------------------------------------------------


@st.composite
def plans_and_changes(draw: st.DrawFn) -> tuple[PlannedPoints, list[PointChange]]:
    n = draw(st.integers(min_value=1, max_value=40))
    volumes = draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))
    planned = PlannedPoints(
        tuple(f"z:{i}" for i in range(n)), np.arange(n), np.zeros(n), np.ones(n), volumes
    )
    picked = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    changes = []
    for i in picked:
        status = draw(st.sampled_from([PointStatus.DONE, PointStatus.SKIPPED, PointStatus.MOVED]))
        if status is PointStatus.SKIPPED:
            changes.append(PointChange(f"z:{i}", status))
        elif status is PointStatus.MOVED:
            changes.append(
                PointChange(f"z:{i}", status, 1.0, 2.0, volume_ml=draw(st.floats(0.01, 1)))
            )
        else:
            changes.append(PointChange(f"z:{i}", status, volume_ml=draw(st.floats(0.01, 1))))
    for _ in range(draw(st.integers(0, 5))):
        changes.append(PointChange("z", PointStatus.ADDED, 0.0, 0.0, 1.0, draw(st.floats(0.01, 1))))
    return planned, changes


@given(plans_and_changes())
def test_property_marking_statuses_never_loses_a_planned_point(
    case: tuple[PlannedPoints, list[PointChange]],
) -> None:
    planned, changes = case
    d = deliver(planned, changes)
    assert d.ids[: len(planned)] == planned.ids
    assert len(set(d.ids)) == len(d.ids)
    t = d.totals()
    assert t.points_done + t.points_skipped + t.points_moved == t.points_planned == len(planned)
    assert t.points_added == sum(c.status is PointStatus.ADDED for c in changes)


@given(plans_and_changes())
def test_property_totals_add_up(case: tuple[PlannedPoints, list[PointChange]]) -> None:
    planned, changes = case
    d = deliver(planned, changes)
    t = d.totals()
    by_row = sum(r["volume_ml"] for r in d.rows() if r["status"] != "skipped")
    assert t.volume_ml == pytest.approx(by_row)
    changed = {c.point_id: c for c in changes}
    expected = 0.0
    for pid, planned_volume in zip(planned.ids, planned.volume_ml, strict=True):
        c = changed.get(pid)
        if c is None:
            expected += planned_volume
        elif c.status is not PointStatus.SKIPPED:
            expected += planned_volume if c.volume_ml is None else c.volume_ml
    expected += sum(c.volume_ml or 0.0 for c in changes if c.status is PointStatus.ADDED)
    assert t.volume_ml == pytest.approx(expected)
    assert t.points_injected == len(d) - t.points_skipped


def test_added_points_take_the_zone_median_once_per_zone() -> None:
    p = PlannedPoints(
        (f"{LEFT}:0", f"{LEFT}:1", f"{LEFT}:2", f"{RIGHT}:0"),
        [0, 1, 2, 3],
        [0, 0, 0, 0],
        [1.0, 1.2, 2.0, 0.5],
        [0.1, 0.3, 0.2, 0.9],
    )
    d = deliver(p, [PointChange(LEFT, PointStatus.ADDED, 5, 5) for _ in range(3)])
    added = [r for r in d.rows() if r["status"] == "added"]
    assert [(r["depth_mm"], r["volume_ml"]) for r in added] == [(1.2, 0.2)] * 3
