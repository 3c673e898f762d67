"""mesoplan: plan, chart and follow mesotherapy courses.

A planning and documentation tool for licensed practitioners; it is not medical advice.
The public library API is re-exported here.
"""

from .config import Settings
from .domain.errors import Issue, MesoplanError, PlanningError, ProtocolError, ScheduleError
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
from .protocols import (
    ProtocolLibrary,
    builtin_protocols,
    load_protocol,
    load_protocol_library,
)

__version__ = "0.1.0"

__all__ = [
    "ZONE_GROUPS",
    "AreaRule",
    "ExpectedOutcome",
    "ExpectedReaction",
    "Ingredient",
    "Issue",
    "MesoplanError",
    "Phase",
    "PlanningError",
    "PointCap",
    "Protocol",
    "ProtocolError",
    "ProtocolLibrary",
    "Range",
    "ScheduleError",
    "Settings",
    "Source",
    "__version__",
    "builtin_protocols",
    "load_protocol",
    "load_protocol_library",
    "parse_protocol_text",
]
