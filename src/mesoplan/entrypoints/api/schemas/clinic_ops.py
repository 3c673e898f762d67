"""Request and response bodies of running the clinic: schedule changes, the worklist,
waste, product details."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime, time
from typing import Any, Literal

from pydantic import BaseModel, Field

from .base import example, strict_example

Reason = Field(min_length=1, max_length=1000, description="why (kept in the history)")


class SessionMove(BaseModel):
    """Move one session; the sessions after it follow with the protocol's intervals."""

    model_config = strict_example(to_date="2025-03-19", reason="patient away on the 17th")

    to_date: date
    at: time | None = Field(None, description="local start time (default: as planned)")
    reason: str = Reason


class SessionMissed(BaseModel):
    """A session did not take place: rebooked from today, the later ones following."""

    model_config = strict_example(reason="did not come")

    reason: str = Reason


class ScheduleChangeRead(BaseModel):
    model_config = example(
        id=1,
        course_id=3,
        revision=1,
        action="moved",
        session_number=3,
        from_date="2025-03-17",
        to_date="2025-03-19",
        reason="patient away on the 17th",
        changed_by="dr-rossi",
        changed_at="2025-03-12T09:00:00Z",
        previous_sessions=[{"number": 3, "date": "2025-03-17"}],
        sessions=[{"number": 3, "date": "2025-03-19", "status": "moved"}],
    )

    id: int
    course_id: int
    revision: int
    action: str
    session_number: int | None
    from_date: date | None
    to_date: date | None
    reason: str
    changed_by: str
    changed_at: datetime
    previous_sessions: list[dict[str, Any]]
    sessions: list[dict[str, Any]]


class WorkItemRead(BaseModel):
    model_config = example(
        kind="session",
        due="overdue",
        patient_id=7,
        patient="Rossi, Maria",
        course_id=3,
        protocol="cellulite@2.0.0",
        number=4,
        date="2025-03-24",
        start="2025-03-24T10:00+01:00",
        window_end="2025-03-25",
        status="planned",
        days_overdue=7,
        later_overdue=0,
        reason=None,
    )

    kind: str = Field(description="session, review or adverse_event")
    due: str = Field(description="today, this_week or overdue")
    patient_id: int
    patient: str
    course_id: int
    protocol: str
    number: int | None
    date: dt.date
    start: str
    window_end: dt.date
    status: str
    days_overdue: int
    later_overdue: int
    reason: str | None


class WorklistRead(BaseModel):
    model_config = example(
        today="2025-04-01",
        timezone="Europe/Rome",
        due_today=[],
        due_this_week=[],
        overdue=[WorkItemRead.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
        follow_ups=[],
    )

    today: date
    timezone: str
    due_today: list[WorkItemRead]
    due_this_week: list[WorkItemRead]
    overdue: list[WorkItemRead]
    follow_ups: list[WorkItemRead]


WasteReason = Literal["expired", "beyond_use", "contaminated", "dropped", "recalled"]
Note = Field(None, max_length=1000)


class VialDiscard(BaseModel):
    """Discard an open vial; ``volume_left_ml`` defaults to what the records say is left."""

    model_config = strict_example(reason="beyond_use", volume_left_ml=0.4)

    reason: WasteReason
    volume_left_ml: float | None = Field(None, ge=0, le=100_000)
    note: str | None = Note


class LotDiscard(BaseModel):
    """Discard what is left of a lot: its unopened units and its open vials."""

    model_config = strict_example(reason="expired", note="past expiry on the shelf")

    reason: WasteReason
    note: str | None = Note


_WASTE = {
    "id": 4,
    "product": "Tefamin",
    "lot_number": "TF-A1",
    "vial": "TF-A1-V1",
    "units": 0,
    "volume_ml": 0.4,
    "reason": "beyond_use",
    "note": None,
    "discarded_at": "2025-04-01T09:00:00Z",
    "discarded_by": "dr-rossi",
}


class WasteRead(BaseModel):
    model_config = example(**_WASTE)

    id: int
    product: str
    lot_number: str
    vial: str | None
    units: int
    volume_ml: float
    reason: str
    note: str | None
    discarded_at: datetime
    discarded_by: str


class DiscardRead(BaseModel):
    model_config = example(items=[_WASTE])

    items: list[WasteRead]


class ProductWasteRead(BaseModel):
    model_config = example(
        product="Tefamin",
        price_per_ml=2.0,
        vials_opened=3,
        discarded={"beyond_use": 0.4},
        discarded_count={"beyond_use": 1},
        expired_unused_units=0,
        expired_unused_ml=0.0,
        beyond_use_left_ml=0.0,
        wasted_ml=0.4,
        cost=0.8,
    )

    product: str
    price_per_ml: float | None
    vials_opened: int
    discarded: dict[str, float]
    discarded_count: dict[str, int]
    expired_unused_units: int
    expired_unused_ml: float
    beyond_use_left_ml: float
    wasted_ml: float
    cost: float | None


class WasteReportRead(BaseModel):
    model_config = example(
        first="2025-04-01",
        last="2025-04-30",
        timezone="Europe/Rome",
        products=[ProductWasteRead.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
        wasted_ml=0.4,
        cost=0.8,
        unpriced=[],
        entries=[_WASTE],
    )

    first: dt.date
    last: dt.date
    timezone: str
    products: list[ProductWasteRead]
    wasted_ml: float
    cost: float
    unpriced: list[str]
    entries: list[WasteRead]


class ProductRead(BaseModel):
    model_config = example(
        id=1,
        name="Tefamin",
        kind="drug",
        active_ingredient="aminophylline",
        agent_class="xanthine",
        price_per_ml=2.0,
        gtin="05012345678900",
    )

    id: int
    name: str
    kind: str
    active_ingredient: str | None
    agent_class: str | None
    price_per_ml: float | None
    gtin: str | None


class ProductUpdate(BaseModel):
    """Set a product's price per mL (for the cost of waste) or its GTIN."""

    model_config = strict_example(price_per_ml=2.0, gtin="05012345678900")

    price_per_ml: float | None = Field(None, ge=0, le=1_000_000)
    gtin: str | None = Field(None, min_length=8, max_length=14, pattern=r"^[0-9]+$")


class ProductNeedRead(BaseModel):
    model_config = example(product="Tefamin", needed_ml=6.0, short_ml=1.5)

    product: str
    needed_ml: float
    short_ml: float


class ShortfallRead(BaseModel):
    model_config = example(
        date="2025-03-19", product="Tefamin", missing_ml=1.0, course_id=3, number=4,
        patient="Rossi, Maria",
    )  # fmt: skip

    date: dt.date
    product: str
    missing_ml: float
    course_id: int
    number: int
    patient: str


class UnusedRead(BaseModel):
    model_config = example(
        product="Tefamin", lot_number="TF-A", expires="2025-03-11", units=1, volume_ml=1.5
    )

    product: str
    lot_number: str
    expires: dt.date
    units: int
    volume_ml: float


class ForecastRead(BaseModel):
    model_config = example(
        today="2025-03-03",
        last_day="2025-03-30",
        weeks=4,
        sessions=6,
        products=[{"product": "Tefamin", "needed_ml": 6.0, "short_ml": 1.5}],
        shortfalls=[ShortfallRead.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
        unused=[UnusedRead.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
    )

    today: dt.date
    last_day: dt.date
    weeks: int
    sessions: int
    products: list[ProductNeedRead]
    shortfalls: list[ShortfallRead]
    unused: list[UnusedRead]


_CODE_EXAMPLE = "010501234567890010TF-A1\u001d17270131"


class ScanRequest(BaseModel):
    """A GS1 code as a scanner sends it (FNC1 as the ASCII group separator, or ``<GS>``),
    or in its human-readable form ``(01)...(17)...(10)...``."""

    model_config = strict_example(code=_CODE_EXAMPLE)

    code: str = Field(min_length=1, max_length=512)


class ScanRead(BaseModel):
    model_config = example(
        gtin="05012345678900",
        product="Tefamin",
        lot_number="TF-A1",
        expiry_date="2027-01-31",
        serial=None,
        received=False,
    )

    gtin: str
    product: str
    lot_number: str
    expiry_date: dt.date
    serial: str | None
    received: bool


class LotScanCreate(BaseModel):
    """Receive the lot a GS1 code names: product by GTIN, lot and expiry from the code."""

    model_config = strict_example(code=_CODE_EXAMPLE, quantity=5, unit_volume_ml=1.5)

    code: str = Field(min_length=1, max_length=512)
    quantity: int = Field(ge=1, le=100_000)
    unit_volume_ml: float = Field(gt=0, le=10_000, allow_inf_nan=False)
    supplier: str | None = Field(None, max_length=200)


class FeedCreate(BaseModel):
    """A calendar feed of the clinic, or of one practitioner's courses. ``detail``: what
    an event says besides "appointment" and its opaque reference."""

    model_config = strict_example(practitioner="dr-rossi", detail="none")

    practitioner: str | None = Field(None, min_length=1, max_length=64)
    detail: Literal["none", "initials", "protocol"] = "none"


_FEED = {
    "id": 1,
    "practitioner": "dr-rossi",
    "detail": "none",
    "created_at": "2025-03-03T09:00:00Z",
    "created_by": "dr-rossi",
    "revoked_at": None,
}


class FeedRead(BaseModel):
    model_config = example(**_FEED)

    id: int
    practitioner: str | None
    detail: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None


class FeedList(BaseModel):
    model_config = example(items=[_FEED])

    items: list[FeedRead]


class NewFeedRead(BaseModel):
    model_config = example(feed=_FEED, token="mpc_3q...", path="/calendar/mpc_3q....ics")

    feed: FeedRead
    token: str = Field(description="the secret of the URL; shown once")
    path: str = Field(description="the feed's path on this server")
