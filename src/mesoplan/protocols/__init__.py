"""The protocol library: the built-in protocols shipped with mesoplan and clinic folders."""

from .library import (
    ProtocolLibrary,
    builtin_protocols,
    export_builtin_text,
    load_protocol,
    load_protocol_library,
)

__all__ = [
    "ProtocolLibrary",
    "builtin_protocols",
    "export_builtin_text",
    "load_protocol",
    "load_protocol_library",
]
