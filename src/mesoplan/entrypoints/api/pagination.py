"""Cursor pagination: ``?limit=`` and ``?cursor=`` (opaque, from the previous page's
``next_cursor``); items come in id order."""

from __future__ import annotations

import base64
from typing import Annotated, Any, Generic, TypeVar

from fastapi import HTTPException, Query
from pydantic import BaseModel, ConfigDict

from ...domain.bounds import ID_MAX

T = TypeVar("T")


def encode_cursor(after: int | None) -> str | None:
    if after is None:
        return None
    return base64.urlsafe_b64encode(f"id:{after}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        after = int(value)
        if kind != "id" or not 0 <= after <= ID_MAX:
            raise ValueError(kind)
        return after
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "cursor: pass back next_cursor from a previous page") from None


def _page_examples(schema: dict[str, Any], cls: type[Any]) -> None:
    item = cls.model_fields["items"].annotation.__args__[0]
    extra = item.model_config.get("json_schema_extra") or {}
    first = (extra.get("examples") or [{}])[0]
    schema["examples"] = [{"items": [first], "next_cursor": "aWQ6NDI"}]


class Page(BaseModel, Generic[T]):
    """One page of a list; ``next_cursor`` is null on the last page."""

    model_config = ConfigDict(json_schema_extra=_page_examples)

    items: list[T]
    next_cursor: str | None


class PageParams(BaseModel):
    limit: int = 50
    after: int | None = None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="items per page")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=64, description="next_cursor of the previous page")
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, after=decode_cursor(cursor))
