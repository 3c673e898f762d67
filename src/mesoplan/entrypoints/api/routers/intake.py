"""Lot intake by barcode: a GS1 code (or a photo of a label) read, and a lot received
from it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from ....adapters.gs1 import MAX_PHOTO_BYTES
from ....domain.record_errors import RefusedError
from ....services import intake
from .. import etags
from ..deps import Reader, StockWriter
from ..schemas.clinic_ops import LotScanCreate, ScanRead, ScanRequest
from ..schemas.stock import LotRead

router = APIRouter(tags=["stock and recall"])
PHOTO: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            kind: {"schema": {"type": "string", "format": "binary"}, "example": "(image bytes)"}
            for kind in ("image/png", "image/jpeg", "image/webp")
        },
    }
}


@router.post("/stock/scan", response_model=ScanRead)
def scan(body: ScanRequest, ctx: Reader) -> ScanRead:
    """What a GS1 code says: the product found by its GTIN, the lot, the expiry, the
    serial. Invalid, unknown and expired codes are refused with the reason."""
    view = intake.scan(ctx.read(), ctx.who.handle, body.code)
    return ScanRead.model_validate(view, from_attributes=True)


@router.post("/stock/scan/photo", response_model=ScanRead, openapi_extra=PHOTO)
async def scan_photo(request: Request, ctx: Reader) -> Any:
    """A photo of a label (PNG, JPEG or WebP, at most 10 MB) decoded on the server, then
    read as :func:`scan` reads a code."""
    from starlette.concurrency import run_in_threadpool

    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_PHOTO_BYTES:
            raise RefusedError(f"photo: at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    view = await run_in_threadpool(intake.scan_photo, ctx.read(), ctx.who.handle, bytes(data))
    return ScanRead.model_validate(view, from_attributes=True)


@router.post("/stock/lots/scan", response_model=LotRead, status_code=201)
def receive_scanned(body: LotScanCreate, ctx: StockWriter, response: Response) -> LotRead:
    """Receive the lot a GS1 code names (the product must carry the code's GTIN)."""
    view = intake.receive_scanned(
        ctx.write(), ctx.who.handle, body.code, body.quantity, body.unit_volume_ml, body.supplier
    )
    response.headers["Location"] = f"/stock/lots/{view.id}"
    return etags.with_etag(response, LotRead.model_validate(view))
