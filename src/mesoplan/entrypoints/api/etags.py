"""ETags and If-Match: every resource's ETag is the SHA-256 of its JSON representation;
a change needs the ETag the client last saw (428 without it, 412 when it is stale). The
comparison runs inside the write's transaction, after the clinic's write lock, so two
writers holding one ETag cannot both succeed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from fastapi import HTTPException, Response
from pydantic import BaseModel

from ...services.scoped import ClinicUnitOfWork, Precondition
from .problems import PreconditionFailed


def etag_of(model: BaseModel) -> str:
    digest = hashlib.sha256(model.model_dump_json().encode("utf-8")).hexdigest()
    return f'"{digest[:40]}"'


M = TypeVar("M", bound=BaseModel)


def with_etag(response: Response, model: M) -> M:
    """Set the ETag header of ``response`` to ``model``'s; returns ``model``."""
    response.headers["ETag"] = etag_of(model)
    return model


def respond(model: BaseModel, status_code: int = 200) -> Response:
    """``model`` as a JSON response carrying its ETag, serialized once (FastAPI does not
    validate and serialize it again)."""
    body = model.model_dump_json().encode("utf-8")
    digest = hashlib.sha256(body).hexdigest()
    headers = {"ETag": f'"{digest[:40]}"'}
    return Response(body, status_code, headers, media_type="application/json")


def required(if_match: str | None) -> str:
    if not if_match:
        raise HTTPException(428, "this change needs an If-Match header with the resource's ETag")
    return if_match


def _matches(if_match: str, current: str) -> bool:
    tags = [t.strip() for t in if_match.split(",")]
    return "*" in tags or current in tags


def matching(if_match: str | None, read: Callable[[ClinicUnitOfWork], BaseModel]) -> Precondition:
    """A precondition: the current representation's ETag is one that If-Match names."""
    expected = required(if_match)

    def check(uow: ClinicUnitOfWork) -> None:
        current = etag_of(read(uow))
        if not _matches(expected, current):
            raise PreconditionFailed(
                f"the resource changed since you read it (ETag now {current}); read it again"
            )

    return check


def optional(if_match: str | None, read: Callable[[ClinicUnitOfWork], BaseModel]) -> Precondition:
    """For POST actions on a resource: checked only when If-Match is sent."""
    return matching(if_match, read) if if_match else (lambda _u: None)
