"""Cheap builders of clinical records for the integration tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from mesoplan.domain.outcomes import BODY_WEIGHT, Measurement
from mesoplan.domain.protocol import Protocol
from mesoplan.domain.safety import PatientHistory
from mesoplan.protocols import builtin_protocols
from mesoplan.services import clinics, courses, measurements, patients, stock
from mesoplan.services.sessions import UseInput
from mesoplan.services.unit_of_work import UnitOfWork

DR = "dr-rossi"
DIRECTOR = "dr-bianchi"
NURSE = "nurse-verdi"
ZONES = ("thigh-left-lateral", "thigh-right-lateral")
WEIGHED_AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def cellulite() -> Protocol:
    return builtin_protocols()["cellulite"]


def plan_document(
    protocol: Protocol, zones: tuple[str, ...] = ZONES, per_zone: int = 25
) -> dict[str, Any]:
    """A plan as the planner's JSON gives it: 2 cm grid, 1.5 mm deep, 10 mL in all."""
    volume = round(10.0 / (per_zone * len(zones)), 6)
    out = []
    for zone in zones:
        points = [
            {
                "id": f"{zone}:{i}",
                "x_cm": 2.0 * (i % 5),
                "y_cm": 2.0 * (i // 5),
                "depth_mm": 1.5,
                "volume_ml": volume,
            }
            for i in range(per_zone)
        ]
        out.append({"zone": zone, "group": "thighs", "point_count": per_zone, "points": points})
    return {
        "protocol": {"id": protocol.id, "version": protocol.version, "hash": protocol.content_hash},
        "zones": out,
        "totals": {"point_count": per_zone * len(zones), "volume_ml": 10.0},
    }


def setup_clinic(uow: UnitOfWork) -> None:
    clinics.add_clinic(uow, "Demo Clinic", "Europe/Rome")
    clinics.add_practitioner(uow, DR, "Dr Anna Rossi", "practitioner")
    clinics.add_practitioner(uow, DIRECTOR, "Dr Bruno Bianchi", "medical_director")
    clinics.add_practitioner(uow, NURSE, "Carla Verdi", "nurse")


def add_patient(uow: UnitOfWork, family: str = "Testpatient", **history: Any) -> int:
    consent = history.pop("consent_given_at", datetime(2025, 3, 1, 9, 0, tzinfo=UTC))
    view = patients.register_patient(
        uow,
        DR,
        family,
        "Alice",
        date(1985, 6, 1),
        "female",
        identifiers={"clinic-mrn": f"MRN-{family}"},
        history=PatientHistory(consent_given_at=consent, **history),
    )
    return view.id


WEIGHT_KG = 62.0
"""The test patient's weight: lidocaine's 4.5 mg/kg is then 279 mg a session."""


def weigh(
    uow: UnitOfWork, patient_id: int, kg: float = WEIGHT_KG, at: datetime = WEIGHED_AT
) -> None:
    """A body weight: the topical anaesthetic's lidocaine has a maximum per kg."""
    measurements.record_measurement(uow, DR, patient_id, Measurement(BODY_WEIGHT, at, kg))


def stock_up(uow: UnitOfWork) -> None:
    """Two lots of tefamine at 160 mg/mL (240 mg in 1.5 mL; one vial each opened), one of
    carnitine, water."""
    tefamine = stock.NewProduct("Tefamin", "drug", "aminophylline", "xanthine")
    carnitine = stock.NewProduct("Carnitine", "drug", "carnitine", "amino acid derivative")
    water = stock.NewProduct("Water for injection", "diluent", "water")
    stock.receive_stock(uow, DR, tefamine, "TF-A1", date(2026, 1, 31), 5, 1.5, mg_per_ml=160)
    stock.receive_stock(uow, DR, tefamine, "TF-B2", date(2026, 6, 30), 5, 1.5, mg_per_ml=160)
    stock.receive_stock(uow, DR, carnitine, "CN-77", date(2026, 3, 31), 10, 5.0)
    stock.receive_stock(uow, DR, water, "WFI-9", date(2027, 1, 1), 10, 10.0)
    stock.open_vial(uow, DR, "Tefamin", "TF-A1", "VA")
    stock.open_vial(uow, DR, "Tefamin", "TF-B2", "VB")
    stock.open_vial(uow, DR, "Carnitine", "CN-77", "VC")
    stock.open_vial(uow, DR, "Water for injection", "WFI-9", "VW")


def start_course(uow: UnitOfWork, patient_id: int, **kwargs: Any) -> int:
    protocol = cellulite()
    view = courses.start_course(
        uow,
        DR,
        patient_id,
        protocol,
        plan_document(protocol),
        courses.ScheduleOptions(start=date(2025, 3, 3), at=time(10, 0)),
        **kwargs,
    )
    return view.id


def two_lot_mix() -> list[UseInput]:
    return [
        UseInput("Tefamin", "TF-A1", 0.75, "VA"),
        UseInput("Tefamin", "TF-B2", 0.75, "VB"),
        UseInput("Carnitine", "CN-77", 2.0, "VC"),
    ]


@dataclass
class World:
    uow: UnitOfWork
    patient_id: int
    course_id: int


def world(uow: UnitOfWork) -> World:
    setup_clinic(uow)
    patient_id = add_patient(uow)
    stock_up(uow)
    return World(uow, patient_id, start_course(uow, patient_id))
