"""RFC 9457 problem details for every error: ``application/problem+json`` with type,
title, status and detail; validation errors list each offending field with a JSON
pointer (``#/zones/0``) or the parameter's name. No stack trace ever reaches a client."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ...domain.bounds import FieldError
from ...domain.errors import MesoplanError, ProtocolError, SignedRecordError
from ...domain.record_errors import ConflictError, NotFoundError
from ...services.auth import AuthenticationError

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("mesoplan.api")
CLOSE_AFTER = frozenset({408, 413})
"""Statuses after which the connection is closed (the rest of the body is not read)."""


class PreconditionFailed(MesoplanError):
    """If-Match names a version that is no longer current."""


def problem(
    status: int,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers or None)


def _escape(part: Any) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def validation_items(errors: list[Any]) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        loc = list(err.get("loc", ()))
        where, rest = (loc[0], loc[1:]) if loc else ("body", [])
        item: dict[str, Any] = {"detail": _message(err)}
        if where == "body":
            item["pointer"] = "#/" + "/".join(_escape(p) for p in rest) if rest else "#"
        else:
            item[str(where) if where in ("query", "path", "header") else "parameter"] = ".".join(
                str(p) for p in rest
            )
        out.append(item)
    return out


def _message(err: dict[str, Any]) -> str:
    msg = str(err.get("msg", "invalid"))
    return msg.removeprefix("Value error, ")


_OUT_OF_RANGE = {"greater_than_equal", "less_than_equal", "int_parsing", "int_from_float"}


def _unknown_path_id(errors: list[Any]) -> str | None:
    """The name of a path id that names no record (out of range), or None."""
    for err in errors:
        loc = err.get("loc", ())
        named = len(loc) == 2 and loc[0] == "path" and str(loc[1]).endswith("_id")
        if named and err.get("type") in _OUT_OF_RANGE:
            return str(loc[1])
    return None


def _status_of(exc: MesoplanError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError | SignedRecordError):
        return 409
    if isinstance(exc, AuthenticationError):
        return 401
    if isinstance(exc, PreconditionFailed):
        return 412
    return 422


async def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code in CLOSE_AFTER:
        headers["Connection"] = "close"
    return problem(exc.status_code, str(exc.detail), None, headers)


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    name = _unknown_path_id(errors)
    if name is not None:
        return problem(404, f"no record has this {name.removesuffix('_id')} id")
    return problem(422, "the request is not valid; see errors", validation_items(errors))


async def _domain(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MesoplanError)
    if isinstance(exc, ProtocolError):
        items = [
            {
                "detail": i.message,
                "line": i.line,
                "field": i.field,
                "pointer": _field_pointer(i.field),
            }
            for i in exc.issues
        ]
        return problem(422, f"{len(items)} error(s) in the protocol", items)
    if isinstance(exc, FieldError):
        item = {"detail": exc.message, "pointer": _field_pointer(exc.field.replace("/", "."))}
        return problem(422, str(exc), [item])
    status = _status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return problem(status, str(exc), None, headers)


def _field_pointer(field: str) -> str:
    parts = [p for p in field.replace("[", ".").replace("]", "").split(".") if p]
    return "#/" + "/".join(_escape(p) for p in parts) if parts else "#"


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "an unexpected error occurred; it was logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(MesoplanError, _domain)
    app.add_exception_handler(Exception, _unexpected)
