"""The click that typer drives: typer 0.26 carries its own copy (``typer._click``).
Parameter types and exceptions must come from that same copy."""

from __future__ import annotations

from typer._click import core, exceptions, types

__all__ = ["core", "exceptions", "types"]
