"""The API's input types: bounded ids, printable text, clinical dates, usernames.

Schemas and routes annotate their fields with these, so every request is checked at
the boundary against the rules of :mod:`mesoplan.domain.bounds`, and the OpenAPI
document says what is valid (``minimum``/``maximum``, ``pattern``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, AwareDatetime, Field

from ...domain import bounds
from ...domain.errors import MesoplanError
from ...services.accounts import login_name, normalise_username

LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f]*$"
TEXT_PATTERN = r"^[^\u0000-\u0009\u000b-\u001f\u007f-\u009f]*$"


def _line(value: str) -> str:
    return bounds.clean_text(value)


def _text(value: str) -> str:
    return bounds.clean_text(value, newlines=True)


def _username(value: str) -> str:
    try:
        return normalise_username(value)
    except MesoplanError as exc:
        raise ValueError(str(exc)) from None


def _login_name(value: str) -> str:
    return bounds.clean_text(login_name(value))


Line = Annotated[str, AfterValidator(_line), Field(json_schema_extra={"pattern": LINE_PATTERN})]
"""One line of printable text: no control characters."""
Text = Annotated[str, AfterValidator(_text), Field(json_schema_extra={"pattern": TEXT_PATTERN})]
"""Printable text that may hold newlines (notes, reasons, addenda)."""
Username = Annotated[str, AfterValidator(_username)]
"""NFC-normalised and trimmed; then lower-case letters, digits, ``_ . -`` (1 to 64)."""
LoginName = Annotated[str, AfterValidator(_login_name)]
"""A username as typed at login: NFC-normalised and trimmed, no control characters."""
ClinicalDate = Annotated[date, AfterValidator(bounds.date_in_range)]
ClinicalDateTime = Annotated[AwareDatetime, AfterValidator(bounds.datetime_in_range)]
BodyId = Annotated[int, Field(ge=bounds.ID_MIN, le=bounds.ID_MAX)]

PathId = Annotated[int, Path(ge=bounds.ID_MIN, le=bounds.ID_MAX)]
"""A record id in the path; one out of range names no record (404)."""
QueryId = Annotated[int | None, Query(ge=bounds.ID_MIN, le=bounds.ID_MAX)]
