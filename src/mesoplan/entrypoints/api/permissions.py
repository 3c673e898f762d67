"""Who may do what: one permission per kind of operation, the roles that hold it, and the
table of every route's permission (generated into docs/api.md)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

ROLES: tuple[str, ...] = ("admin", "medical_director", "practitioner", "assistant", "auditor")
_ALL = ROLES
_CLINICAL = ("medical_director", "practitioner")
_FRONT = ("medical_director", "practitioner", "assistant")

PERMISSIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "authenticated": (_ALL, "any signed-in user (own session, own profile)"),
    "records:read": (_ALL, "read patients, courses, sessions, stock, protocols, plans"),
    "clinic:manage": (("admin",), "change the clinic's settings"),
    "users:manage": (("admin",), "add, change and deactivate users; API keys"),
    "audit:read": (("admin", "medical_director", "auditor"), "read and verify the audit trail"),
    "patients:write": (_FRONT, "register and edit patients, history, measurements"),
    "stock:write": (_FRONT, "receive lots, open vials"),
    "calendar:write": (_FRONT, "reschedule courses"),
    "reactions:write": (_FRONT, "record reactions reported after a session"),
    "protocols:write": (("admin", "medical_director"), "upload and withdraw clinic protocols"),
    "plans:write": (_CLINICAL, "preview plans, start and withdraw courses"),
    "sessions:chart": (_CLINICAL, "chart, correct and delete unsigned sessions"),
    "sessions:sign": (_CLINICAL, "sign a session, add a signed addendum"),
    "sessions:cosign": (("medical_director",), "co-sign a signed session"),
    "recall:write": (_CLINICAL, "recall a lot or a vial"),
    "fhir:export": (
        ("admin", "medical_director", "auditor"),
        "bulk FHIR export of the whole clinic ($export)",
    ),
}


def allowed(permission: str, role: str) -> bool:
    return role in PERMISSIONS[permission][0]


def permission_of(dependant: Any) -> str | None:
    """The permission a route's dependencies ask for (``allow`` and the pages')."""
    for dep in dependant.dependencies:
        found = getattr(dep.call, "permission", None) or permission_of(dep)
        if found:
            return str(found)
    return None


def _walk(routes: list[Any], prefix: str, inherited: str | None) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            if not route.include_in_schema:
                continue
            perm = permission_of(route.dependant) or inherited or "public"
            out.extend((m, prefix + route.path, perm) for m in sorted(route.methods or ()))
        elif hasattr(route, "original_router"):
            ctx = route.include_context
            deps = [getattr(d.dependency, "permission", None) for d in ctx.dependencies]
            found: str | None = next((str(p) for p in deps if p), inherited)
            out += _walk(route.original_router.routes, prefix + ctx.prefix, found)
    return out


def route_permissions(app: FastAPI) -> list[tuple[str, str, str]]:
    """``(method, path, permission)`` of every API route in the OpenAPI document."""
    documented = app.openapi().get("paths", {})
    routes = [
        r for r in _walk(list(app.routes), "", None) if r[0].lower() in documented.get(r[1], {})
    ]
    return sorted(routes, key=lambda r: (r[1], r[0]))


def permission_table(app: FastAPI) -> str:
    """The Markdown tables of roles per permission and permission per route."""
    head = "| permission | " + " | ".join(ROLES) + " | what |\n"
    head += "|---|" + "---|" * len(ROLES) + "---|\n"
    rows = [
        f"| `{p}` | " + " | ".join("yes" if r in roles else "-" for r in ROLES) + f" | {what} |\n"
        for p, (roles, what) in PERMISSIONS.items()
    ]
    routes = "\n| method | path | permission |\n|---|---|---|\n"
    routes += "".join(f"| {m} | `{p}` | `{perm}` |\n" for m, p, perm in route_permissions(app))
    return head + "".join(rows) + routes
