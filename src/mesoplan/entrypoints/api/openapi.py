"""The OpenAPI 3.1 document: problem responses on every operation, and an example on
every request and response body (taken from the schemas' examples)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERRORS: dict[int, str] = {
    400: "malformed request (bad cursor, bad header)",
    401: "no valid token or API key",
    403: "the caller's role lacks the permission",
    404: "no such record in the caller's clinic (an id out of range names none)",
    408: "the request body did not arrive in time (the connection is closed)",
    409: "conflicts with the stored state (exists already, signed record)",
    412: "If-Match names a stale ETag",
    413: "the request body is larger than the server takes",
    422: "the request breaks a rule or is invalid (see errors[].pointer)",
    428: "If-Match is required to change this resource",
    429: "too many failed logins: wait the Retry-After seconds",
    503: "busy (every password check slot taken, or too many connections): retry later",
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _example_of(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    ref = schema.get("$ref")
    if ref:
        target = components.get(ref.rsplit("/", 1)[-1], {})
        examples = target.get("examples") or []
        return examples[0] if examples else None
    return None


def _add_examples(op: dict[str, Any], components: dict[str, Any]) -> None:
    body = op.get("requestBody", {}).get("content", {}).get("application/json")
    if body and "example" not in body:
        found = _example_of(body.get("schema", {}), components)
        if found is not None:
            body["example"] = found
    for code, resp in op.get("responses", {}).items():
        media = resp.get("content", {}).get("application/json")
        if media and "example" not in media:
            found = _example_of(media.get("schema", {}), components)
            if found is not None:
                media["example"] = found
        if code.startswith("2") and not resp.get("content"):
            resp.setdefault("headers", {})


def _add_problems(op: dict[str, Any], components: dict[str, Any]) -> None:
    responses = op.setdefault("responses", {})
    responses.pop("422", None)
    example = components["Problem"]["examples"][0]
    for code, why in ERRORS.items():
        responses[str(code)] = {
            "description": why,
            "content": {"application/problem+json": {"schema": PROBLEM_REF, "example": example}},
        }


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = doc.setdefault("components", {}).setdefault("schemas", {})
        from .schemas.base import Problem, ProblemItem

        for model in (Problem, ProblemItem):
            components[model.__name__] = model.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        for path in doc.get("paths", {}).values():
            for op in path.values():
                _add_problems(op, components)
                _add_examples(op, components)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
