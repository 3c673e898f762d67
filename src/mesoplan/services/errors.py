"""Errors of the use cases (defined in the domain, so every layer may raise them)."""

from __future__ import annotations

from ..domain.record_errors import ConflictError, NotFoundError, RefusedError

__all__ = ["ConflictError", "NotFoundError", "RefusedError"]
