"""The most one session may deliver over all the rules of a protocol
(``max_session_volume_ml``): a plan above it is refused, and charting more is a stop
(:mod:`.course_limits`)."""

from __future__ import annotations

from .errors import PlanningError
from .protocol import Protocol

_TOLERANCE_ML = 1e-6


def session_volume_text(protocol: Protocol) -> str:
    return (
        f"the protocol's maximum of {protocol.max_session_volume_ml:g} mL a session over all "
        f"its rules (max_session_volume_ml, source {protocol.limits_source})"
    )


def check_plan_volume(protocol: Protocol, volume_ml: float) -> None:
    """Refuse a plan whose rules together deliver more than ``max_session_volume_ml``."""
    limit = protocol.max_session_volume_ml
    if limit is not None and volume_ml > limit + _TOLERANCE_ML:
        raise PlanningError(
            f"the plan delivers {volume_ml:g} mL, above {session_volume_text(protocol)}; "
            "choose smaller volumes or fewer zones"
        )
