"""Errors of clinical records: each is a :class:`MesoplanError`, so the CLI prints one
line and exits with code 2, and the unit of work has rolled everything back."""

from __future__ import annotations

from .errors import MesoplanError


class NotFoundError(MesoplanError):
    """A record named by the caller does not exist (or was deleted)."""


class RefusedError(MesoplanError):
    """A use case refused: the record would break a rule (a draw larger than the vial
    holds, a recalled lot, a co-signature by the signer...)."""


class ConflictError(MesoplanError):
    """The record already exists (a second lot with the same number, a vial id in use)."""


__all__ = ["ConflictError", "NotFoundError", "RefusedError"]
