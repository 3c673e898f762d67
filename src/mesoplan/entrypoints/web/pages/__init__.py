"""The page routes, one module per page group."""

from __future__ import annotations

from fastapi import APIRouter

from .charting import router as charting
from .courses import router as courses
from .dashboard import router as dashboard
from .documents import router as documents
from .intake import router as intake
from .login import router as login
from .patients import router as patients
from .planning import router as planning
from .protocols import router as protocols
from .recall import router as recall
from .schedules import router as schedules
from .stock import router as stock
from .waste import router as waste

router = APIRouter(include_in_schema=False)
for _router in (
    login,
    dashboard,
    patients,
    planning,
    courses,
    schedules,
    charting,
    documents,
    stock,
    intake,
    waste,
    recall,
    protocols,
):
    router.include_router(_router)

__all__ = ["router"]
