"""Protocols: the library, one protocol in full, and uploading a clinic's own protocol
(every error shown with its line)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from ....domain.errors import MesoplanError, ProtocolError
from ..context import PREFIX, Page, ProtocolWriter, Reader
from ..protocol_source import find_protocol, protocols_for
from ..routing import WebRoute

router = APIRouter(route_class=WebRoute)
MAX_UPLOAD_BYTES = 256 * 1024


def _list(page: Page, status: int = 200, **extra: Any) -> HTMLResponse:
    return page.render("protocols.html", status, protocols=protocols_for(page), **extra)


@router.get("/protocols", response_class=HTMLResponse)
def protocols(page: Reader) -> HTMLResponse:
    return _list(page)


@router.get("/protocols/{key}", response_class=HTMLResponse)
def protocol(page: Reader, key: str) -> HTMLResponse:
    try:
        found = find_protocol(page, key)
    except MesoplanError as exc:
        return page.render(
            "message.html",
            404,
            heading="Unknown protocol",
            message=str(exc),
            problem=True,
            back=PREFIX + "/protocols",
        )
    return page.render("protocol.html", protocol=found)


async def _upload_text(page: Page) -> tuple[str, str]:
    form = await page.request.form()
    upload = form.get("file")
    name = "pasted.toml"
    text = str(form.get("text") or "")
    if upload is not None and not isinstance(upload, str) and upload.filename:
        name = upload.filename
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise MesoplanError(f"{name}: larger than {MAX_UPLOAD_BYTES // 1024} KiB")
        text = data.decode("utf-8", errors="replace")
    return name, text


@router.post("/protocols", response_model=None)
async def upload(page: ProtocolWriter) -> Response:
    from ....domain.protocol_text import parse_protocol_text

    await page.form()
    try:
        name, text = await _upload_text(page)
        if not text.strip():
            raise MesoplanError("give a protocol file or paste its TOML text")
        parsed = parse_protocol_text(text, name)
        saver = getattr(page.web.auth, "save_clinic_protocol", None)
        if saver is None:
            return _list(page, checked=parsed, text=text)
        saver(page.user, text, name)
    except ProtocolError as exc:
        return _list(page, 422, issues=exc.issues, text=text)
    except MesoplanError as exc:
        return _list(page, 422, error=str(exc))
    return page.redirect(f"/protocols/{parsed.key}")
