"""FHIR bulk export speed and memory: a generated clinic to NDJSON (goal: at least 10,000
resources per second, memory flat as the clinic grows).

The clinic is generated record by record (nothing held), at two sizes; each size is
exported in a fresh process, which reports its time and its peak resident memory.
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

from mesoplan.adapters.fhir.bulk import write_bulk
from mesoplan.adapters.fhir.entries import (
    ClinicEntry,
    CourseEntry,
    MeasurementEntry,
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


def run_one(size: int) -> None:
    """Child process: export one size, print count, seconds and peak RSS as JSON."""
    protocol = builtin_protocols()["cellulite"]
    before = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        count = export(GeneratedClinic(size, protocol), Path(tmp))
        seconds = time.perf_counter() - start
        files = sum(f.stat().st_size for f in Path(tmp).iterdir())
    peak = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "count": count,
                "seconds": seconds,
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
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 40_000]
    rates = []
    for size in sizes:
        r = measure(size)
        rates.append(r["count"] / r["seconds"])
        print(
            f"{size:>7,} sessions: {r['count']:>8,} resources in {r['seconds']:6.2f} s = "
            f"{rates[-1]:>8,.0f} resources/s; peak RSS {r['rss_kib'] / 1024:6.1f} MiB "
            f"({r['rss_before_kib'] / 1024:.1f} MiB before the export); "
            f"{r['bytes'] / 2**20:6.1f} MiB of NDJSON"
        )
    base = model_baseline(GeneratedClinic(sizes[0], builtin_protocols()["cellulite"]))
    print(f"fhir.resources models (baseline, 400 resources): {base:,.0f} resources/s")
    print(f"ratio of the export to the model path: {min(rates) / base:.1f}x")
    verdict = "met" if min(rates) >= GOAL_PER_S else "NOT met"
    print(f"goal >= {GOAL_PER_S:,} resources/s: {verdict}")


if __name__ == "__main__":
    main()
