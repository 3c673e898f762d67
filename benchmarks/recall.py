"""Recall speed: "who received lot X" in a clinic of 100,000 sessions and about 3 million
charted points, on SQLite and on PostgreSQL (goal: p99 under 100 ms on both).

The clinic is generated in memory and loaded in bulk (SQLAlchemy Core executemany on
SQLite, COPY on PostgreSQL), into a schema made by the package's migrations, with the
signed-record triggers on. Prints the generation rate, then the recall time (p50 and p99
over 200 random lots) for the query and for the whole use case (unit of work, rows to
views; "logged": the same with each patient listed appended to the access log, as the
entrypoints run it), against a baseline measured in the same run: reading as many
product-use rows by primary-key range. Every recall's row count is checked against the
generator's.

PostgreSQL: MESOPLAN_BENCH_DATABASE_URL names a scratch database (its public schema is
dropped and rebuilt); by default a fresh database is created on 127.0.0.1:5432 and
dropped afterwards.

    python benchmarks/recall.py [--sessions 100000] [--lots 400] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.exc import OperationalError

from mesoplan.adapters.db import make_engine, metadata, normalise_url, session_factory
from mesoplan.adapters.db.migrate import upgrade
from mesoplan.adapters.db.recall import who_received_lot
from mesoplan.protocols import builtin_protocols
from mesoplan.services.recall import who_received
from mesoplan.services.unit_of_work import Reader, UnitOfWork

T0 = datetime(2022, 1, 3, 9, 0, tzinfo=UTC)
SESSIONS_PER_COURSE = 10


@dataclass
class Clinic:
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = field(default_factory=dict)
    uses_per_lot: Counter[str] = field(default_factory=Counter)
    points: int = 0
    use_count: int = 0

    def add(self, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
        self.rows[table] = (columns.split(), rows)

    @property
    def row_count(self) -> int:
        return sum(len(r) for _, r in self.rows.values())


def _people(c: Clinic, patients: int) -> None:
    c.add("clinic", "id name timezone created_at", [(1, "Bench", "UTC", T0)])
    c.add(
        "practitioner",
        "id clinic_id handle name role created_at",
        [(i, 1, f"dr-{i}", f"Dr {i}", "practitioner", T0) for i in range(1, 6)],
    )
    c.add(
        "patient",
        "id clinic_id family_name given_name birth_date sex created_at created_by_id",
        [
            (i, 1, f"Fake{i:06d}", "Test", date(1960 + i % 40, 1 + i % 12, 1), "female", T0, 1)
            for i in range(1, patients + 1)
        ],
    )


def _stock(c: Clinic, lots: int, rng: random.Random) -> dict[str, list[tuple[int, list[int]]]]:
    """Three products; each lot has 20 vials. Returns (lot id, vial ids) per product."""
    names = ["Tefamin", "Carnitine", "Water for injection"]
    kinds = ["drug", "drug", "diluent"]
    c.add(
        "product",
        "id clinic_id name kind created_at",
        [(i + 1, 1, n, k, T0) for i, (n, k) in enumerate(zip(names, kinds, strict=True))],
    )
    lot_rows, vial_rows = [], []
    by_product: dict[str, list[tuple[int, list[int]]]] = {n: [] for n in names}
    for lot_id in range(1, lots + 1):
        product = 1 + (lot_id - 1) % 3
        expiry = date(2027, 1, 1) + timedelta(days=rng.randrange(365))
        lot_rows.append((lot_id, product, f"L{lot_id:05d}", expiry, 20, 10000, T0, 1))
        vials = list(range(len(vial_rows) + 1, len(vial_rows) + 21))
        for vial_id in vials:
            vial_rows.append((vial_id, f"V{vial_id:06d}", lot_id, T0, 1, T0, 10000, 10000))
        by_product[names[product - 1]].append((lot_id, vials))
    c.add(
        "lot",
        "id product_id lot_number expiry_date "
        "quantity_received unit_volume_ul received_at received_by_id",
        lot_rows,
    )
    c.add(
        "vial",
        "id code lot_id opened_at opened_by_id beyond_use_at volume_initial_ul volume_remaining_ul",
        vial_rows,
    )
    return by_product


def _maps(c: Clinic, rng: random.Random) -> list[int]:
    """200 planned maps of 20 to 40 points (mean 30); returns each map's point count."""
    from mesoplan.adapters.db.maps import encode_points
    from mesoplan.domain.charting_points import PlannedPoints

    sizes, rows = [], []
    for map_id in range(1, 201):
        n = rng.randint(20, 40)
        ids = tuple(f"thigh-left-lateral:{i}" for i in range(n))
        xs = [2.0 * (i % 5) + map_id * 1e-3 for i in range(n)]
        ys = [2.0 * (i // 5) for i in range(n)]
        digest, data = encode_points(PlannedPoints(ids, xs, ys, [1.5] * n, [0.2] * n))
        rows.append((map_id, digest, n, data))
        sizes.append(n)
    c.add("planned_map", "id content_hash point_count data", rows)
    return sizes


def _courses(c: Clinic, courses: int, map_count: int, rng: random.Random) -> list[int]:
    protocol = builtin_protocols()["cellulite"]
    c.add(
        "protocol_snapshot",
        "id protocol_id version content_hash canonical_json created_at",
        [(1, protocol.id, protocol.version, protocol.content_hash, protocol.canonical_json(), T0)],
    )
    rows, links, maps = [], [], []
    for course_id in range(1, courses + 1):
        map_id = rng.randint(1, map_count)
        start = T0 + timedelta(days=rng.randrange(3 * 365))
        day = start.date()
        rows.append((course_id, course_id, start, 1, day, "[]", "{}", "x", map_id, "{}", "{}"))
        links.append((course_id, 0, 1))
        maps.append(map_id)
    c.add(
        "course",
        "id patient_id started_at started_by_id start_date "
        "zones plan_json plan_hash planned_map_id schedule_json screening",
        rows,
    )
    c.add("course_protocol", "course_id position snapshot_id", links)
    return maps


def _sessions(c: Clinic, maps: list[int], sizes: list[int], rng: random.Random) -> None:
    rows, points = [], []
    for course_id, map_id in enumerate(maps, start=1):
        start = T0 + timedelta(days=course_id % 1000)
        n = sizes[map_id - 1]
        for k in range(SESSIONS_PER_COURSE):
            sid = (course_id - 1) * SESSIONS_PER_COURSE + k + 1
            status = bytearray(n)
            for i in rng.sample(range(n), 2):
                status[i] = 1  # skipped
            moved = rng.randrange(n)
            while status[moved]:
                moved = rng.randrange(n)
            status[moved] = 2
            points.append((sid, sid, f"thigh-left-lateral:{moved}", "moved", 1.0, 2.0))
            at = start + timedelta(days=7 * k)
            rows.append((sid, course_id, course_id, k + 1, at, 1 + sid % 5, map_id, bytes(status)))
            rows[-1] += (30, 4.0, at)
            c.points += n
    c.add(
        "treatment_session",
        "id course_id patient_id number performed_at "
        "practitioner_id planned_map_id point_status needle_gauge needle_length_mm created_at",
        rows,
    )
    c.add("session_point", "id session_id point_id status x_cm y_cm", points)


def _uses(
    c: Clinic, sessions: int, stock: dict[str, list[tuple[int, list[int]]]], rng: random.Random
) -> None:
    rows: list[tuple[Any, ...]] = []
    lot_names = {lot: f"L{lot:05d}" for lots in stock.values() for lot, _ in lots}
    roles = [("Tefamin", "mix", "tefamine", 750), ("Carnitine", "mix", "carnitine", 2000)]
    roles.append(("Water for injection", "diluent", None, 7000))
    for sid in range(1, sessions + 1):
        for position, (product, role, ingredient, volume) in enumerate(roles):
            lot, vials = rng.choice(stock[product])
            rows.append(
                (len(rows) + 1, sid, position, role, lot, rng.choice(vials), volume, ingredient)
            )
            c.uses_per_lot[lot_names[lot]] += 1
    c.add(
        "product_use",
        "id session_id position role lot_id vial_id volume_ul ingredient",
        rows,
    )
    c.use_count = len(rows)


def generate(sessions: int, lots: int, seed: int) -> Clinic:
    rng = random.Random(seed)
    c = Clinic()
    courses = sessions // SESSIONS_PER_COURSE
    _people(c, courses)
    stock = _stock(c, lots, rng)
    sizes = _maps(c, rng)
    maps = _courses(c, courses, len(sizes), rng)
    _sessions(c, maps, sizes, rng)
    _uses(c, sessions, stock, rng)
    return c


# -- loading ------------------------------------------------------------------------


def load_sqlite(engine: Engine, c: Clinic) -> None:
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name in c.rows:
                columns, rows = c.rows[table.name]
                for start in range(0, len(rows), 50_000):
                    chunk = [
                        dict(zip(columns, r, strict=True)) for r in rows[start : start + 50_000]
                    ]
                    conn.execute(insert(table), chunk)


def load_postgresql(engine: Engine, c: Clinic) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for table in metadata.sorted_tables:
            if table.name not in c.rows:
                continue
            columns, rows = c.rows[table.name]
            with cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
            if "id" in columns:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {len(rows)})"
                )
        raw.commit()
    finally:
        raw.close()


def sign_all(engine: Engine) -> None:
    """Sign every session in one statement (the triggers allow signing an unsigned one)."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE treatment_session SET signed_at = performed_at, "
                "signed_by_id = practitioner_id, signature = 'sha256:bench'"
            )
        )
        conn.execute(text("ANALYZE"))


# -- timing -------------------------------------------------------------------------


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return (time.perf_counter() - start) * 1000, out


def measure(engine: Engine, c: Clinic, repeat: int, seed: int) -> dict[str, tuple[float, float]]:
    rng = random.Random(seed + 1)
    lots = rng.sample(sorted(c.uses_per_lot), min(repeat, len(c.uses_per_lot)))
    lots += rng.choices(sorted(c.uses_per_lot), k=repeat - len(lots))
    sessions = session_factory(engine)
    uow = UnitOfWork(sessions)
    query, service, baseline = [], [], []
    with sessions() as s:
        who_received_lot(s, lots[0])  # warm the connection and the statement cache
        for lot in lots:
            ms, rows = timed(lambda: who_received_lot(s, lot))  # noqa: B023
            if len(rows) != c.uses_per_lot[lot]:
                raise SystemExit(f"lot {lot}: {len(rows)} rows, expected {c.uses_per_lot[lot]}")
            query.append(ms)
            first = rng.randrange(1, c.use_count - len(rows))
            sql = text("SELECT * FROM product_use WHERE id BETWEEN :a AND :b")
            ms, _ = timed(lambda: s.execute(sql, {"a": first, "b": first + len(rows) - 1}).all())  # noqa: B023
            baseline.append(ms)
    for lot in lots:
        ms, result = timed(lambda: who_received(uow, lot_number=lot))  # noqa: B023
        assert len(result.rows) == c.uses_per_lot[lot]
        service.append(ms)
    # as the entrypoints run it: each patient listed appended to the access log
    logged_uow, logged = UnitOfWork(sessions, reader=Reader("bench", "cli")), []
    for lot in lots:
        ms, result = timed(lambda: who_received(logged_uow, lot_number=lot))  # noqa: B023
        logged.append(ms)
    return {
        "query": percentiles(query),
        "use case": percentiles(service),
        "logged": percentiles(logged),
        "baseline": percentiles(baseline),
    }


# -- databases ----------------------------------------------------------------------


@contextmanager
def sqlite_engine() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        upgrade(engine)
        yield engine
        engine.dispose()


@contextmanager
def postgresql_engine() -> Iterator[Engine]:
    given = os.environ.get("MESOPLAN_BENCH_DATABASE_URL")
    if given:
        engine = make_engine(given)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    server = normalise_url("postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"mesoplan_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        engine = make_engine(server.set(database=name))
        upgrade(engine)
        yield engine
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(backend: str, args: argparse.Namespace) -> None:
    build_ms, clinic = timed(lambda: generate(args.sessions, args.lots, args.seed))
    opener = sqlite_engine if backend == "sqlite" else postgresql_engine
    loader = load_sqlite if backend == "sqlite" else load_postgresql
    with opener() as engine:
        load_ms, _ = timed(lambda: loader(engine, clinic))
        sign_ms, _ = timed(lambda: sign_all(engine))
        rows = clinic.row_count
        clinic.rows.clear()  # the generated rows would slow every garbage collection below
        gc.collect()
        total_s = (build_ms + load_ms + sign_ms) / 1000
        print(f"== {backend}")
        print(
            f"generated {args.sessions:,} sessions, {clinic.points:,} charted points, "
            f"{len(clinic.uses_per_lot)} lots, {rows:,} rows in {total_s:.1f} s "
            f"(build {build_ms / 1000:.1f} s, load {load_ms / 1000:.1f} s, sign+analyze "
            f"{sign_ms / 1000:.1f} s): {clinic.points / total_s:,.0f} charted points/s, "
            f"{rows / (load_ms / 1000):,.0f} rows/s loaded"
        )
        figures = measure(engine, clinic, args.repeat, args.seed)
    mean_rows = statistics.mean(clinic.uses_per_lot.values())
    print(f"recall over {args.repeat} random lots ({mean_rows:.0f} uses a lot on average):")
    base = figures["baseline"][0]
    for name, (p50, p99) in figures.items():
        ratio = "" if name == "baseline" else f"  ({p50 / base:.1f}x the baseline p50)"
        print(f"  {name:<9} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms{ratio}")
    verdicts = [
        f"{name} {'met' if figures[name][1] < 100 else 'MISSED'}"
        for name in ("query", "use case", "logged")
    ]
    print(f"  goal p99 < 100 ms: {', '.join(verdicts)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--lots", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    print("baseline: the same number of product_use rows read by primary-key range")
    for backend in ("sqlite", "postgresql"):
        if args.only in (None, backend):
            try:
                run(backend, args)
            except OperationalError as exc:
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                print(f"== {backend}: skipped, cannot reach the server ({reason})")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
