"""FHIR bulk export speed and memory: a generated clinic to NDJSON (goal: at least 10,000
resources per second, memory flat as the clinic grows).

Two paths, each at two sizes, each size in a fresh process that reports its time and its
peak resident memory: (1) the builders and the NDJSON writer on a clinic generated record
by record (nothing held); (2) the real bulk export service on the same clinic written
into a SQLite records database first (in another process).
Baseline measured in the same run: building and serialising the same resources as
fhir.resources models (the path the export avoids), on a sample.
Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import resource as rusage
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mesoplan.adapters.fhir.bulk import write_bulk
from mesoplan.adapters.fhir.entries import (
    SCREENING_FLAGS,
    ClinicEntry,
    CourseEntry,
    HistoryEntry,
    MeasurementEntry,
    OverrideEntry,
    PatientEntry,
    PractitionerEntry,
    ProductUseEntry,
    ReactionEntry,
    SessionEntry,
    SignatureEntry,
    ZoneEntry,
)
from mesoplan.adapters.fhir.export import export_resources
from mesoplan.adapters.fhir.refs import Refs
from mesoplan.domain.outcomes import Measurement
from mesoplan.domain.protocol import Protocol
from mesoplan.domain.reactions import Reaction, ReactionSeverity
from mesoplan.protocols.library import builtin_protocols

GOAL_PER_S = 10_000
SESSIONS_PER_COURSE = 10
START = dt.datetime(2024, 1, 8, 9, 0, tzinfo=dt.UTC)


@dataclass
class GeneratedClinic:
    """A clinic of ``sessions // 10`` patients, each with one 10-session cellulite course:
    2 zones, 2 products per session, one signature per session, a measurement before
    the course and one after, a reaction every 5th session."""

    sessions_total: int
    protocol: Protocol

    @property
    def patient_count(self) -> int:
        return self.sessions_total // SESSIONS_PER_COURSE

    def clinics(self) -> Iterator[ClinicEntry]:
        yield ClinicEntry("1", "Generated clinic", "UTC")

    def practitioners(self) -> Iterator[PractitionerEntry]:
        for i in range(1, 6):
            yield PractitionerEntry(str(i), "1", f"dr{i}", f"Dr Number {i}", "practitioner")

    def patients(self) -> Iterator[PatientEntry]:
        for p in range(self.patient_count):
            birth = dt.date(1960 + p % 40, 1 + p % 12, 1 + p % 28)
            yield PatientEntry(str(p), "1", f"Family{p}", f"Given{p}", birth, "female")

    def protocols(self) -> Iterator[Protocol]:
        yield self.protocol

    def _zones(self, p: int) -> list[ZoneEntry]:
        return [
            ZoneEntry(f"{p}-t", str(p), "thigh_left_front", "thighs", "Left thigh, front"),
            ZoneEntry(f"{p}-s", str(p), "stomach", "stomach", "Stomach"),
        ]

    def zones(self) -> Iterator[ZoneEntry]:
        for p in range(self.patient_count):
            yield from self._zones(p)

    def courses(self) -> Iterator[CourseEntry]:
        for p in range(self.patient_count):
            yield CourseEntry(
                str(p), str(p), "1", self.protocol, START.date(), (f"{p}-t", f"{p}-s")
            )

    def _each_session(self) -> Iterator[tuple[int, int, dt.datetime]]:
        for p in range(self.patient_count):
            for n in range(1, SESSIONS_PER_COURSE + 1):
                yield p, n, START + dt.timedelta(days=p % 300 + 7 * n)

    def sessions(self) -> Iterator[tuple[SessionEntry, Sequence[ZoneEntry]]]:
        for p, n, at in self._each_session():
            zones = self._zones(p)
            entry = SessionEntry(
                f"{p}-{n}",
                str(p),
                str(p),
                str(1 + p % 5),
                n,
                at,
                (zones[0].key, zones[1].key),
                68,
                66,
                14.4,
            )
            yield entry, zones

    def product_uses(self) -> Iterator[tuple[ProductUseEntry, Sequence[ZoneEntry]]]:
        products = (
            ("Tefamin", "aminophylline", "tefamine", 1.5),
            ("Carnitina", "levocarnitine", "carnitine", 5.0),
        )
        for p, n, at in self._each_session():
            zones = self._zones(p)
            for i, (name, active, provides, ml) in enumerate(products):
                yield (
                    ProductUseEntry(
                        f"{p}-{n}-{i}",
                        f"{p}-{n}",
                        str(p),
                        str(1 + p % 5),
                        at,
                        name,
                        active,
                        provides,
                        f"LOT{(p // 50) % 1000:04d}{i}",
                        dt.date(2026, 12, 31),
                        ml,
                        "intradermal",
                        f"V{p}-{n}-{i}",
                        (zones[0].key, zones[1].key),
                    ),
                    zones,
                )

    def measurements(self) -> Iterator[MeasurementEntry]:
        for p in range(self.patient_count):
            for j, value in enumerate((61.0, 59.5)):
                taken = START + dt.timedelta(days=p % 300 + 80 * j)
                m = Measurement("thigh_circumference_cm", taken, value, "left", 18.0)
                yield MeasurementEntry(f"{p}-{j}", str(p), "1", m, str(p))

    def reactions(self) -> Iterator[ReactionEntry]:
        for p, n, at in self._each_session():
            if n % 5 == 0:
                r = Reaction("redness", "stomach", at, ReactionSeverity.MILD, 90.0, True)
                yield ReactionEntry(f"{p}-{n}", f"{p}-{n}", str(p), r, at, "1", (), f"{p}-s")

    def safety_histories(self) -> Iterator[HistoryEntry]:
        flags = tuple((name, False) for name in SCREENING_FLAGS)
        for p in range(self.patient_count):
            yield HistoryEntry(str(p), str(p), "1", START, flags, (), (), START)

    def safety_overrides(self) -> Iterator[OverrideEntry]:
        for p in range(0, self.patient_count, 10):
            yield OverrideEntry(
                str(p), str(p), "bleeding-risk", "antiplatelets", "reviewed", "1", START, str(p)
            )

    def signatures(self) -> Iterator[SignatureEntry]:
        for p, n, at in self._each_session():
            yield SignatureEntry(
                f"{p}-{n}",
                f"{p}-{n}",
                str(1 + p % 5),
                at + dt.timedelta(hours=1),
                "author",
                "sha256:" + f"{p:08x}{n:08x}" * 4,
            )


def export(clinic: GeneratedClinic, out: Path) -> int:
    resources = (r for _, r in export_resources(clinic, Refs(scope="bench")))
    manifest = write_bulk(
        out, resources, transaction_time=START, request="benchmarks/fhir_export.py"
    )
    return sum(o["count"] for o in manifest["output"])


# -- the same clinic in a records database (SQLite), exported by the real service ------


def populate(url: str, sessions_total: int) -> None:
    """Write a generated clinic straight into a migrated database (bulk inserts with
    explicit ids): ``sessions_total // 10`` patients with one signed 10-session course."""
    import numpy as np
    from sqlalchemy import insert, update

    from mesoplan.adapters.db import make_engine
    from mesoplan.adapters.db import people as P
    from mesoplan.adapters.db import records as R
    from mesoplan.adapters.db import stock as S
    from mesoplan.adapters.db.maps import encode_points
    from mesoplan.adapters.db.migrate import upgrade
    from mesoplan.domain.charting_points import PlannedPoints

    engine = make_engine(url)
    upgrade(engine)
    protocol = builtin_protocols()["cellulite"]
    now, zones = START, ["thigh-left-lateral", "thigh-right-lateral"]
    ids = tuple(f"{z}:{i}" for z in zones for i in range(25))
    grid = np.arange(50, dtype=np.float64)
    points = PlannedPoints(ids, grid % 5 * 2.0, grid // 5 * 2.0, grid * 0 + 1.5, grid * 0 + 0.2)
    map_hash, map_data = encode_points(points)
    plan = {"zones": [{"zone": z, "group": "thighs", "point_count": 25} for z in zones]}
    schedule = {"sessions": [], "follow_up": []}
    patients = sessions_total // SESSIONS_PER_COURSE
    rows: dict[Any, list[dict[str, Any]]] = {t: [] for t in (
        P.PatientRow, R.CourseRow, R.CourseProtocolRow, R.SessionRow, S.ProductUseRow,
        P.MeasurementRow)}  # fmt: skip
    for p in range(1, patients + 1):
        rows[P.PatientRow].append(dict(id=p, clinic_id=1, family_name=f"Family{p}",
            given_name=f"Given{p}", birth_date=dt.date(1970 + p % 30, 1, 1), sex="female",
            created_at=now, created_by_id=1))  # fmt: skip
        rows[R.CourseRow].append(dict(id=p, patient_id=p, started_at=now, started_by_id=1,
            start_date=now.date(), zones=zones, plan_json=json.dumps(plan), plan_hash="x",
            planned_map_id=1, schedule_json=json.dumps(schedule), screening={}))  # fmt: skip
        rows[R.CourseProtocolRow].append(dict(course_id=p, position=0, snapshot_id=1))
        rows[P.MeasurementRow].append(dict(id=p, patient_id=p, course_id=p,
            kind="thigh_circumference_cm", value=60.0, unit="cm", site="left",
            height_above_kneecap_cm=18.0, meta={}, taken_at=now, recorded_by_id=1,
            created_at=now))  # fmt: skip
        for n in range(1, SESSIONS_PER_COURSE + 1):
            sid = (p - 1) * SESSIONS_PER_COURSE + n
            at = now + dt.timedelta(days=7 * n)
            rows[R.SessionRow].append(dict(id=sid, course_id=p, patient_id=p, number=n,
                performed_at=at, practitioner_id=1, planned_map_id=1,
                point_status=bytes(50), created_at=at))  # fmt: skip
            for i in (0, 1):
                rows[S.ProductUseRow].append(dict(id=2 * sid - 1 + i, session_id=sid,
                    position=i, role="mix", lot_id=1 + i, volume_ul=1500 + 3500 * i,
                    ingredient=("tefamine", "carnitine")[i]))  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(P.ClinicRow), [dict(id=1, name="Generated", timezone="UTC",
            created_at=now)])  # fmt: skip
        conn.execute(insert(P.PractitionerRow), [dict(id=1, clinic_id=1, handle="dr",
            name="Dr One", role="practitioner", created_at=now)])  # fmt: skip
        conn.execute(insert(R.ProtocolSnapshotRow), [dict(id=1, protocol_id=protocol.id,
            version=protocol.version, content_hash=protocol.content_hash,
            canonical_json=protocol.canonical_json(), created_at=now)])  # fmt: skip
        conn.execute(insert(R.PlannedMapRow), [dict(id=1, content_hash=map_hash,
            point_count=50, data=map_data)])  # fmt: skip
        conn.execute(insert(S.ProductRow), [dict(id=i, clinic_id=1, name=f"Product{i}",
            active_ingredient=a, kind="drug", created_at=now)
            for i, a in ((1, "aminophylline"), (2, "carnitine"))])  # fmt: skip
        conn.execute(insert(S.LotRow), [dict(id=i, product_id=i, lot_number=f"LOT{i}",
            expiry_date=dt.date(2027, 1, 1), quantity_received=1000, unit_volume_ul=1500,
            received_at=now, received_by_id=1) for i in (1, 2)])  # fmt: skip
        for table, batch in rows.items():
            conn.execute(insert(table), batch)
        # signed last: a signed session takes no more product uses
        conn.execute(update(R.SessionRow).values(signed_at=R.SessionRow.performed_at,
            signed_by_id=1, signature="sha256:" + "ab" * 32))  # fmt: skip
    engine.dispose()


def run_db(url: str) -> None:
    """Child process: time the bulk export service on a populated database."""
    from mesoplan.adapters.db import make_engine
    from mesoplan.services.fhir_export import bulk_export
    from mesoplan.services.unit_of_work import UnitOfWork

    before = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss
    uow = UnitOfWork.from_engine(make_engine(url), lambda: START)
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), time.process_time()
        manifest = bulk_export(uow, Path(tmp))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        files = sum(f.stat().st_size for f in Path(tmp).iterdir())
    count = sum(o["count"] for o in manifest["output"])
    peak = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"count": count, "seconds": seconds, "cpu": cpu, "rss_kib": peak,
                      "rss_before_kib": before, "bytes": files}))  # fmt: skip


def measure_db(size: int) -> dict[str, float]:
    """Populate a SQLite database in one process, export it in a fresh one."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/clinic.sqlite"
        run = [sys.executable, __file__]
        subprocess.run([*run, "--populate", str(size), url], check=True)
        out = subprocess.run([*run, "--db", url], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout))


def run_one(size: int) -> None:
    """Child process: export one size, print count, seconds and peak RSS as JSON."""
    protocol = builtin_protocols()["cellulite"]
    before = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), time.process_time()
        count = export(GeneratedClinic(size, protocol), Path(tmp))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        files = sum(f.stat().st_size for f in Path(tmp).iterdir())
    peak = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "count": count,
                "seconds": seconds,
                "cpu": cpu,
                "rss_kib": peak,
                "rss_before_kib": before,
                "bytes": files,
            }
        )
    )


def measure(size: int) -> dict[str, float]:
    """One size in a fresh process, so its peak RSS is its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


def model_baseline(clinic: GeneratedClinic, sample: int = 400) -> float:
    """Resources per second when each one goes through a fhir.resources model."""
    from fhir.resources.R4B import get_fhir_model_class

    resources = []
    for _, resource in export_resources(clinic, Refs(scope="bench")):
        resources.append(resource)
        if len(resources) == sample:
            break
    start = time.perf_counter()
    for resource in resources:
        model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        json.dumps(json.loads(model.model_dump_json(exclude_none=True)))
    return len(resources) / (time.perf_counter() - start)


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        run_one(int(sys.argv[2]))
        return
    if sys.argv[1:2] == ["--populate"]:
        populate(sys.argv[3], int(sys.argv[2]))
        return
    if sys.argv[1:2] == ["--db"]:
        run_db(sys.argv[2])
        return
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 40_000]
    rates: list[float] = []
    cpu_rates: list[float] = []
    for title, run in (
        ("builders and NDJSON writer, records generated on the fly:", measure),
        ("bulk_export from a SQLite records database:", measure_db),
    ):
        print(title)
        for size in sizes:
            r = run(size)
            rates.append(r["count"] / r["seconds"])
            cpu_rates.append(r["count"] / r["cpu"])
            print(
                f"{size:>7,} sessions: {r['count']:>8,.0f} resources in {r['seconds']:6.2f} s = "
                f"{rates[-1]:>7,.0f}/s ({cpu_rates[-1]:,.0f} per CPU second); peak RSS "
                f"{r['rss_kib'] / 1024:5.1f} MiB ({r['rss_before_kib'] / 1024:.1f} before); "
                f"{r['bytes'] / 2**20:5.1f} MiB of NDJSON"
            )
    base = model_baseline(GeneratedClinic(sizes[0], builtin_protocols()["cellulite"]))
    print(f"fhir.resources models (baseline, 400 resources): {base:,.0f} resources/s")
    print(f"ratio of the export to the model path: {min(rates) / base:.1f}x")
    for what, values in (("wall-clock", rates), ("CPU", cpu_rates)):
        verdict = "met" if min(values) >= GOAL_PER_S else "NOT met"
        print(f"goal >= {GOAL_PER_S:,} resources/s ({what}, slowest run): {verdict}")


if __name__ == "__main__":
    main()
