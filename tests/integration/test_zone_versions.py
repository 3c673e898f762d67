"""A map keeps the zone catalogue version it was planned on.

``data/demo-before-zone-versions.sqlite.gz`` is a database made by the code from before
zones were versioned (the demo clinic, ``build_demo`` on 2 November 2026, migrated to
that code's head): its courses were planned on the first catalogue's shapes. Upgraded by
today's migrations, every map in it still draws on those shapes, while a new course is
planned on the newest outlines.
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from shapely import Polygon
from sqlalchemy import Engine, inspect, text

from mesoplan.adapters.db import make_engine
from mesoplan.adapters.db.migrate import upgrade
from mesoplan.adapters.pdf_layout import overviews
from mesoplan.domain.anatomy import get_zone
from mesoplan.domain.record_errors import RefusedError
from mesoplan.entrypoints.web import chart
from mesoplan.protocols import builtin_protocols
from mesoplan.services import courses, overview
from mesoplan.services.demo import DR
from mesoplan.services.plan_preview import PlanRequest, plan_json
from mesoplan.services.session_store import load_record
from mesoplan.services.unit_of_work import UnitOfWork

from .records_factory import add_patient, setup_clinic

FIXTURE = Path(__file__).with_name("data") / "demo-before-zone-versions.sqlite.gz"
THIGHS = ("thigh-left-lateral", "thigh-right-lateral")


@pytest.fixture
def old_db(tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "old.sqlite"
    with gzip.open(FIXTURE) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _plan_outline(plan: dict[str, Any], zone_id: str) -> list[tuple[float, float]]:
    z = next(z for z in plan["zones"] if z["zone"] == zone_id)
    assert "version" not in z  # planned before zones had versions
    return [(float(x), float(y)) for x, y in z["outline_cm"]]


def test_the_fixture_is_from_before_zone_versions(old_db: Engine) -> None:
    with old_db.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == "0003"
    assert "zone_versions" not in {c["name"] for c in inspect(old_db).get_columns("course")}


def test_upgraded_courses_are_on_version_1_and_draw_on_it(old_db: Engine) -> None:
    upgrade(old_db)
    uow = UnitOfWork.from_engine(old_db)
    with uow:
        rows = {c.id: (c.zones, c.zone_versions) for c in uow.records.courses_of(1)}
        rows.update({c.id: (c.zones, c.zone_versions) for c in uow.records.courses_of(2)})
    assert rows[1] == (list(THIGHS), {z: 1 for z in THIGHS})
    assert rows[2] == (["face"], {"face": 1})

    plan = overview.course_plan(uow, 1)
    measurements = plan["measurements"]
    assert isinstance(measurements, dict)
    for zid in THIGHS:
        v1 = get_zone(zid, 1).scaled_to(measurements).outline_cm
        v2 = get_zone(zid).scaled_to(measurements).outline_cm
        stored = _plan_outline(plan, zid)  # type: ignore[arg-type]
        assert len(stored) == 4
        assert [c for p in stored for c in p] == pytest.approx([c for p in v1 for c in p], abs=1e-3)
        assert len(v2) > 4 and Polygon(stored).symmetric_difference(Polygon(v2)).area > 10

    # the web map and the PDF's overview draw the version 1 outline
    panels = chart.plan_panels(plan)
    assert panels.count('class="zone-outline"') == 2
    first = panels.split('class="zone-outline" d="', 1)[1].split('"', 1)[0]
    assert first.count("L") == 3  # a trapezoid: M + 3 lines
    zones = overview.course_zones(uow, 1)
    assert {z: (v.version, len(v.outline_cm)) for z, v in zones.items()} == {
        z: (1, 4) for z in THIGHS
    }
    table = overviews(zones)
    (body,) = table._cellvalues[0]  # only the body's front chart shows these zones
    filled = [s for s in body.contents if hasattr(s, "points") and s.strokeWidth == 1.0]
    assert [len(s.points) // 2 for s in filled] == [4, 4]  # the two trapezoids, chosen
    context = [s for s in body.contents if hasattr(s, "points") and s.strokeWidth == 0.4]
    assert len(context) == 12  # the chart's other zones, on the same catalogue version


def test_signed_sessions_of_an_old_course_replay_on_their_planned_map(old_db: Engine) -> None:
    upgrade(old_db)
    uow = UnitOfWork.from_engine(old_db)
    with uow:
        sessions = uow.records.sessions_of(1)
        signed = [s for s in sessions if s.signed_at is not None]
        assert signed
        record = load_record(uow, signed[0])
        planned = record.delivery.planned
        assert len(planned) == 50
        assert {pid.split(":", 1)[0] for pid in planned.ids} == set(THIGHS)


def test_a_new_course_after_the_upgrade_is_planned_on_the_newest_outline(
    old_db: Engine,
) -> None:
    upgrade(old_db)
    uow = UnitOfWork.from_engine(old_db)
    protocol = builtin_protocols()["cellulite"]
    plan = plan_json(protocol, PlanRequest(zones=list(THIGHS)))
    assert [z["version"] for z in plan["zones"]] == [2, 2]
    view = courses.start_course(
        uow, DR, 1, protocol, plan, courses.ScheduleOptions(start=date(2026, 12, 7))
    )
    with uow:
        row = uow.records.course(view.id)
        assert row.zone_versions == {z: 2 for z in THIGHS}
    zones = overview.course_zones(uow, view.id)
    assert all(z.version == 2 and len(z.outline_cm) > 4 for z in zones.values())
    old = overview.course_zones(uow, 1)
    assert all(z.version == 1 for z in old.values())


def test_a_plan_on_a_version_the_catalogue_lacks_is_refused(uow: UnitOfWork) -> None:
    setup_clinic(uow)
    pid = add_patient(uow)
    protocol = builtin_protocols()["cellulite"]
    plan = plan_json(protocol, PlanRequest(zones=["thigh-left-lateral"]))
    plan["zones"][0]["version"] = 7
    with pytest.raises(RefusedError, match="is on version 7, which the zone catalogue"):
        courses.start_course(
            uow, "dr-rossi", pid, protocol, plan, courses.ScheduleOptions(start=date(2026, 12, 7))
        )
    with uow:
        assert uow.records.courses_of(pid) == []
