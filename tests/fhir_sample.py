"""A small made-up clinic as FHIR builder entries (one patient's whole history)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mesoplan import builtin_protocols
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
from mesoplan.domain.outcomes import Measurement, PhotoRef
from mesoplan.domain.reactions import Reaction, ReactionSeverity
from mesoplan.domain.scheduling import schedule_course

UTC = dt.UTC


@dataclass
class History:
    clinic: ClinicEntry
    practitioners: list[PractitionerEntry]
    patient: PatientEntry
    zones: list[ZoneEntry]
    course: CourseEntry
    sessions: list[SessionEntry] = field(default_factory=list)
    uses: list[ProductUseEntry] = field(default_factory=list)
    measurements: list[MeasurementEntry] = field(default_factory=list)
    reactions: list[ReactionEntry] = field(default_factory=list)
    signatures: list[SignatureEntry] = field(default_factory=list)
    histories: list[HistoryEntry] = field(default_factory=list)
    overrides: list[OverrideEntry] = field(default_factory=list)


def cellulite_history(sessions: int = 3) -> History:
    protocol = builtin_protocols()["cellulite"]
    clinic = ClinicEntry("1", "Clinica Esempio", "Europe/Rome")
    doc = PractitionerEntry("1", "1", "drrossi", "Dr Anna Rossi", "practitioner", "MI-12345")
    director = PractitionerEntry("2", "1", "drbianchi", "Dr Luca Bianchi", "director")
    patient = PatientEntry(
        "7",
        "1",
        "Verdi",
        "Giulia",
        dt.date(1985, 4, 12),
        "female",
        "+39 02 1234567",
        "giulia@example.org",
        (("urn:oid:2.16.840.1.113883.2.9.4.3.2", "VRDGLI85D52F205X"),),
    )
    zones = [
        ZoneEntry(
            "z1",
            "7",
            "thigh_left_front",
            "thighs",
            "Left thigh, front",
            "left",
            ("61248009", "Skin structure of anterior thigh"),
            25,
            '{"x_cm":[1.0,3.0]}',
        ),
        ZoneEntry("z2", "7", "stomach", "stomach", "Stomach", None, None, 18),
    ]
    start = dt.date(2026, 3, 2)
    schedule = schedule_course(protocol, start, zone="Europe/Rome")
    course = CourseEntry("c1", "7", "1", protocol, start, ("z1", "z2"), schedule)
    history = History(clinic, [doc, director], patient, zones, course)
    for n in range(1, sessions + 1):
        at = schedule.sessions[n - 1].start
        key = f"s{n}"
        history.sessions.append(
            SessionEntry(key, "c1", "7", "1", n, at, ("z1", "z2"), 43, 41, 14.6, notes="ok")
        )
        for i, (product, ingredient, lot, ml) in enumerate(
            [
                ("Tefamin 240 mg/1.5 mL", "aminophylline", "TF2291", 1.5),
                ("L-Carnitina 1 g/5 mL", "levocarnitine", "LC0017", 5.0),
            ]
        ):
            history.uses.append(
                ProductUseEntry(
                    f"u{n}-{i}",
                    key,
                    "7",
                    "1",
                    at,
                    product,
                    ingredient,
                    ("tefamine", "carnitine")[i],
                    lot,
                    dt.date(2027, 6, 30),
                    ml,
                    "intradermal",
                    f"V-{lot}-{n}",
                    ("z1", "z2"),
                )
            )
        signed = at + dt.timedelta(hours=1)
        history.signatures.append(
            SignatureEntry(f"sig{n}", key, "1", signed, "author", "sha256:" + "ab" * 32)
        )
    history.signatures.append(
        SignatureEntry(
            "cos1", "s1", "2", at + dt.timedelta(days=1), "cosigner", "sha256:" + "cd" * 32
        )
    )
    history.signatures.append(
        SignatureEntry(
            "add1",
            "s1",
            "1",
            at + dt.timedelta(days=2),
            "addendum",
            "sha256:" + "ef" * 32,
            "Lot TF2291 recalled by the supplier on 2026-03-20.",
        )
    )
    first = schedule.sessions[0].start
    history.reactions.append(
        ReactionEntry(
            "r1",
            "s1",
            "7",
            Reaction(
                "redness",
                "thigh_left_front",
                first + dt.timedelta(minutes=10),
                ReactionSeverity.MILD,
                duration_min=1800,
                resolved=True,
            ),
            first + dt.timedelta(days=1),
            "1",
            ("redness lasted 1800 min, longer than the 1440 min the protocol expects",),
            "z1",
        )
    )
    history.reactions.append(
        ReactionEntry(
            "r2",
            "s1",
            "7",
            Reaction(
                "nodule",
                "stomach",
                first + dt.timedelta(days=20),
                ReactionSeverity.MODERATE,
                note="firm, 5 mm",
            ),
            first + dt.timedelta(days=21),
        )
    )
    taken = dt.datetime(2026, 3, 2, 8, 45, tzinfo=UTC)
    for i, m in enumerate(
        [
            Measurement("thigh_circumference_cm", taken, 58.5, "left", 18.0),
            Measurement("waist_circumference_cm", taken, 81.0),
            Measurement("cellulite_stage_nurnberger_muller", taken, 2),
            Measurement(
                "photo", taken, photo=PhotoRef("photos/7/front.jpg", "X-T4", "ring", "front")
            ),
        ]
    ):
        history.measurements.append(MeasurementEntry(f"m{i}", "7", "1", m, "c1"))
    consent = dt.datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    flags = tuple((name, name == "antiplatelets") for name in SCREENING_FLAGS)
    history.histories.append(
        HistoryEntry("h1", "7", "1", consent, flags, ("sulfite",), ("aspirin 100 mg",), consent)
    )
    history.overrides.append(
        OverrideEntry(
            "o1",
            "7",
            "allergy",
            "allergy to sulfite: tefamine holds sodium bisulfite",
            "sulfite-free tefamine from the hospital pharmacy",
            "1",
            consent,
            course_key="c1",
        )
    )
    return history
