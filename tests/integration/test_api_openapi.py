"""The OpenAPI document, the permission tables in docs/api.md, and problem responses."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path
from typing import Any

from fastapi import APIRouter

from mesoplan.config import Settings
from mesoplan.entrypoints.api import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
boom = APIRouter()


@boom.get("/boom", include_in_schema=False)
def _boom() -> None:
    raise RuntimeError("secret internals at /srv/mesoplan")


def _client() -> TestClient:
    app = create_app(Settings(database_url="sqlite://"), extra_routers=[boom])
    return TestClient(app, raise_server_exceptions=False)


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, item in doc["paths"].items() for m, op in item.items()]


def test_openapi_31_with_an_example_on_every_operation_and_schema() -> None:
    doc = _client().get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    ops = _operations(doc)
    assert len(ops) >= 60
    for method, path, op in ops:
        where = f"{method.upper()} {path}"
        for media, body in op.get("requestBody", {}).get("content", {}).items():
            assert "example" in body, (where, media)
        for code, resp in op["responses"].items():
            for media, content in resp.get("content", {}).items():
                assert "example" in content, (where, code, media)
        for code in ("401", "403", "404", "412", "422", "428"):
            assert "application/problem+json" in op["responses"][code]["content"], where
        assert any(c.startswith("2") for c in op["responses"]), where
    for name, schema in doc["components"]["schemas"].items():
        assert schema.get("examples"), name
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_permission_tables_in_docs_match_the_code() -> None:
    spec = importlib.util.spec_from_file_location(
        "api_permissions", ROOT / "scripts/api_permissions.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (ROOT / "docs/api.md").read_text(encoding="utf-8")
    assert module.updated(text) == text, "docs/api.md is stale: run make docs"


def test_errors_are_problems_without_internals() -> None:
    client = _client()
    r = client.get("/boom")
    assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
    assert "secret" not in r.text and "Traceback" not in r.text and "srv" not in r.text
    r = client.post("/auth/login", json={"username": 5})
    assert r.status_code == 422
    problem = r.json()
    assert problem["status"] == 422 and problem["title"] == "Unprocessable Entity"
    assert {e["pointer"] for e in problem["errors"]} == {"#/username", "#/password"}
    r = client.get("/patients?limit=0", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = client.get("/no-such-route")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    r = client.put("/auth/login", json={})
    assert r.status_code == 405 and r.json()["title"] == "Method Not Allowed"


def test_interactive_docs_page() -> None:
    r = _client().get("/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower() and "/openapi.json" in r.text
