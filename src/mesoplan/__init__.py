"""mesoplan: plan, chart and follow mesotherapy courses.

A planning and documentation tool for licensed practitioners; it is not medical advice.
The public library API is re-exported here.
"""

from typing import TYPE_CHECKING

# Public names are imported on first use (PEP 562, see _lazy.py): `mesoplan plan` must
# not load the whole library at start-up. To export a name, add its import line inside
# this block and the name to __all__; nothing else.
if TYPE_CHECKING:
    from .adapters.fhir import (
        apply_care_plan,
        plan_definition,
        protocol_from_plan_definition,
        protocol_toml,
    )
    from .adapters.plan_output import plan_to_csv, plan_to_dict, plan_to_json
    from .adapters.svg import plan_to_svg, zone_to_svg
    from .config import Settings
    from .domain.anatomy import (
        ZONE_MEASUREMENTS,
        BodySite,
        Exclusion,
        Frame,
        Zone,
        ZoneMeasurement,
        get_zone,
        zone_catalogue,
    )
    from .domain.charting import (
        Addendum,
        AnaestheticApplication,
        Delivery,
        DeliveryTotals,
        MixCheck,
        Needle,
        PlannedPoints,
        PointChange,
        PointStatus,
        ProductUse,
        SessionRecord,
        Signature,
        check_mix,
        deliver,
        point_changes_from_rows,
    )
    from .domain.clinic_calendar import ClinicCalendar, WindowSettings, WindowStep, clinic_zone
    from .domain.course import (
        CourseRequest,
        CourseSchedule,
        FollowUp,
        FollowUpKind,
        PhaseLength,
        ScheduledSession,
        SessionStatus,
    )
    from .domain.errors import (
        ChartingError,
        Issue,
        MesoplanError,
        OutcomeError,
        PlanningError,
        ProtocolError,
        ReactionError,
        SafetyError,
        ScheduleError,
        SignedRecordError,
    )
    from .domain.geojson import patches_from_geojson, zone_from_geojson
    from .domain.mapping import InjectionMap
    from .domain.outcomes import (
        MEASUREMENT_KINDS,
        CourseReview,
        Measurement,
        MeasurementKind,
        OutcomeReview,
        PhotoRef,
        course_review,
    )
    from .domain.plan_model import (
        CapUse,
        NeedleInsertion,
        Override,
        Patch,
        Plan,
        PlanWarning,
        ReactionLimit,
        RulePlan,
        ZonePlan,
    )
    from .domain.planner import plan
    from .domain.protocol import (
        ZONE_GROUPS,
        AreaRule,
        ExpectedOutcome,
        ExpectedReaction,
        Ingredient,
        Phase,
        PointCap,
        Protocol,
        Range,
        Source,
    )
    from .domain.protocol_text import parse_protocol_text
    from .domain.reactions import (
        Reaction,
        ReactionAssessment,
        ReactionFlag,
        ReactionSeverity,
        assess_reaction,
    )
    from .domain.record_errors import ConflictError, NotFoundError, RefusedError
    from .domain.rescheduling import mark_done, mark_missed, move_session
    from .domain.safety import (
        DEFAULT_RULES,
        Finding,
        PatientHistory,
        ScreeningResult,
        ScreeningRule,
        check_lot_expiry,
        check_vial_beyond_use,
        configure_rules,
        rules_from_mapping,
        screen,
    )
    from .domain.scheduling import schedule_course
    from .domain.shapes import Ellipse, PolygonShape
    from .protocols import (
        ProtocolLibrary,
        builtin_protocols,
        load_protocol,
        load_protocol_library,
    )
    from .services.unit_of_work import UnitOfWork

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_RULES",
    "MEASUREMENT_KINDS",
    "ZONE_GROUPS",
    "ZONE_MEASUREMENTS",
    "Addendum",
    "AnaestheticApplication",
    "AreaRule",
    "BodySite",
    "CapUse",
    "ChartingError",
    "ClinicCalendar",
    "ConflictError",
    "CourseRequest",
    "CourseReview",
    "CourseSchedule",
    "Delivery",
    "DeliveryTotals",
    "Ellipse",
    "Exclusion",
    "ExpectedOutcome",
    "ExpectedReaction",
    "Finding",
    "FollowUp",
    "FollowUpKind",
    "Frame",
    "Ingredient",
    "InjectionMap",
    "Issue",
    "Measurement",
    "MeasurementKind",
    "MesoplanError",
    "MixCheck",
    "Needle",
    "NeedleInsertion",
    "NotFoundError",
    "OutcomeError",
    "OutcomeReview",
    "Override",
    "Patch",
    "PatientHistory",
    "Phase",
    "PhaseLength",
    "PhotoRef",
    "Plan",
    "PlanWarning",
    "PlannedPoints",
    "PlanningError",
    "PointCap",
    "PointChange",
    "PointStatus",
    "PolygonShape",
    "ProductUse",
    "Protocol",
    "ProtocolError",
    "ProtocolLibrary",
    "Range",
    "Reaction",
    "ReactionAssessment",
    "ReactionError",
    "ReactionFlag",
    "ReactionLimit",
    "ReactionSeverity",
    "RefusedError",
    "RulePlan",
    "SafetyError",
    "ScheduleError",
    "ScheduledSession",
    "ScreeningResult",
    "ScreeningRule",
    "SessionRecord",
    "SessionStatus",
    "Settings",
    "Signature",
    "SignedRecordError",
    "Source",
    "UnitOfWork",
    "WindowSettings",
    "WindowStep",
    "Zone",
    "ZoneMeasurement",
    "ZonePlan",
    "__version__",
    "apply_care_plan",
    "assess_reaction",
    "builtin_protocols",
    "check_lot_expiry",
    "check_mix",
    "check_vial_beyond_use",
    "clinic_zone",
    "configure_rules",
    "course_review",
    "deliver",
    "get_zone",
    "load_protocol",
    "load_protocol_library",
    "mark_done",
    "mark_missed",
    "move_session",
    "parse_protocol_text",
    "patches_from_geojson",
    "plan",
    "plan_definition",
    "plan_to_csv",
    "plan_to_dict",
    "plan_to_json",
    "plan_to_svg",
    "point_changes_from_rows",
    "protocol_from_plan_definition",
    "protocol_toml",
    "rules_from_mapping",
    "schedule_course",
    "screen",
    "zone_catalogue",
    "zone_from_geojson",
    "zone_to_svg",
]


def __getattr__(name: str) -> object:
    """Import a public name on first use and keep it (PEP 562)."""
    if name not in __all__:
        raise AttributeError(f"module 'mesoplan' has no attribute {name!r}")
    from ._lazy import resolve

    value = resolve(name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
