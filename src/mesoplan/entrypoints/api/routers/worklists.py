"""The clinic's worklist: sessions due and overdue, follow-up visits due."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from ....services import worklists
from ..deps import Reader
from ..schemas.clinic_ops import WorklistRead

router = APIRouter(tags=["worklist"])
Day = Annotated[
    date | None,
    Query(alias="date", description="the day (default: the clinic's today, in its time zone)"),
]


@router.get("/worklist", response_model=WorklistRead)
def worklist(ctx: Reader, day: Day = None) -> WorklistRead:
    """Sessions due today and in the next six days, overdue sessions (their window passed
    with nothing charted) and follow-up visits due, each with the patient's name."""
    view = worklists.worklist(ctx.read(), ctx.who.handle, day)
    return WorklistRead.model_validate(view, from_attributes=True)
