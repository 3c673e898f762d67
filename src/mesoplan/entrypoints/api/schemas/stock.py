"""Schemas of stock: lots, vials, recalls."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from ..bounds import ClinicalDate, Line, Text
from .base import RecallRowRead, example, strict_example


class LotCreate(BaseModel):
    """A delivery of one lot; the product is created on its first delivery."""

    model_config = strict_example(
        product="Aminophylline 24 mg/mL",
        kind="drug",
        active_ingredient="aminophylline",
        agent_class="methylxanthine",
        lot_number="AMX-2291",
        expiry_date="2026-01-31",
        quantity=10,
        unit_volume_ml=10.0,
        supplier="Farmaceutici Srl",
        mg_per_ml=24.0,
    )

    product: Line = Field(min_length=1, max_length=200)
    kind: Literal["drug", "diluent"] = "drug"
    active_ingredient: Line | None = Field(None, max_length=200)
    agent_class: Line | None = Field(None, max_length=100)
    lot_number: Line = Field(min_length=1, max_length=64)
    expiry_date: ClinicalDate
    quantity: int = Field(ge=1, le=100_000)
    unit_volume_ml: float = Field(gt=0, le=10_000, allow_inf_nan=False)
    supplier: Line | None = Field(None, max_length=200)
    mg_per_ml: float | None = Field(
        None,
        gt=0,
        le=1000,
        allow_inf_nan=False,
        description="mg of the active ingredient per mL of the product (the label strength); "
        "charting totals mg from it against the protocol's maxima",
    )


class LotRead(BaseModel):
    model_config = example(
        id=1,
        product="Aminophylline 24 mg/mL",
        lot_number="AMX-2291",
        expiry_date="2026-01-31",
        quantity_received=10,
        unit_volume_ml=10.0,
        vials_opened=1,
        expired=False,
        recalled=False,
        recall_reason=None,
        supplier="Farmaceutici Srl",
        mg_per_ml=24.0,
    )

    id: int
    product: str
    lot_number: str
    expiry_date: date
    quantity_received: int
    unit_volume_ml: float
    vials_opened: int
    expired: bool
    recalled: bool
    recall_reason: str | None
    supplier: str | None
    mg_per_ml: float | None = None


class VialCreate(BaseModel):
    model_config = strict_example(
        product="Aminophylline 24 mg/mL", lot_number="AMX-2291", code="AMX-2291-V1"
    )

    product: Line = Field(min_length=1, max_length=200)
    lot_number: Line = Field(min_length=1, max_length=64)
    code: Line | None = Field(None, min_length=1, max_length=64)
    beyond_use_days: int = Field(28, ge=1, le=3650)


class VialRead(BaseModel):
    model_config = example(
        id=1,
        code="AMX-2291-V1",
        product="Aminophylline 24 mg/mL",
        lot_number="AMX-2291",
        opened_at="2025-03-10T09:00:00+00:00",
        beyond_use_at="2025-04-07T09:00:00+00:00",
        volume_initial_ml=10.0,
        volume_remaining_ml=8.0,
        beyond_use=False,
        recalled=False,
    )

    id: int
    code: str
    product: str
    lot_number: str
    opened_at: datetime
    beyond_use_at: datetime
    volume_initial_ml: float
    volume_remaining_ml: float
    beyond_use: bool
    recalled: bool


class RecallCreate(BaseModel):
    """Recall a lot (by number) or one vial (by code): one of the two."""

    model_config = strict_example(lot_number="AMX-2291", reason="supplier recall notice 2025-07")

    reason: Text = Field(min_length=1, max_length=2000)
    lot_number: Line | None = Field(None, min_length=1, max_length=64)
    vial: Line | None = Field(None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _one_target(self) -> RecallCreate:
        if (self.lot_number is None) == (self.vial is None):
            raise ValueError("give lot_number or vial (one of them)")
        return self


class RecallRead(BaseModel):
    model_config = example(
        what="lot AMX-2291",
        recalled=True,
        patient_ids=[7],
        rows=[RecallRowRead.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
    )

    what: str
    recalled: bool
    patient_ids: list[int]
    rows: list[RecallRowRead]
