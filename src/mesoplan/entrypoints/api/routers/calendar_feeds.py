"""Calendar feeds: made and revoked by the clinic's staff; read by calendar applications
through a secret URL (no other sign-in), read-only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from starlette.concurrency import run_in_threadpool

from ....services import calendar_feeds
from ..deps import CalendarWriter, Reader, State
from ..schemas.clinic_ops import FeedCreate, FeedList, FeedRead, NewFeedRead

router = APIRouter(tags=["calendar feeds"])
ICS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/calendar": {"example": "BEGIN:VCALENDAR\r\n...\r\nEND:VCALENDAR\r\n"}},
        "description": "the feed (iCalendar)",
    }
}
Token = Annotated[str, Path(min_length=1, max_length=100)]


@router.post("/calendar-feeds", response_model=NewFeedRead, status_code=201)
def create_feed(body: FeedCreate, ctx: CalendarWriter) -> NewFeedRead:
    """A feed URL of the clinic's appointments (or one practitioner's): its token is
    shown once. By default an event says only "appointment" and an opaque reference."""
    made = calendar_feeds.create_feed(ctx.write(), ctx.who.handle, body.practitioner, body.detail)
    feed = FeedRead.model_validate(made.feed, from_attributes=True)
    return NewFeedRead(feed=feed, token=made.token, path=made.path)


@router.get("/calendar-feeds", response_model=FeedList)
def list_feeds(ctx: Reader) -> FeedList:
    views = calendar_feeds.list_feeds(ctx.read(), ctx.who.handle)
    return FeedList(items=[FeedRead.model_validate(v, from_attributes=True) for v in views])


@router.post("/calendar-feeds/{feed_id}/revoke", response_model=FeedRead)
def revoke_feed(feed_id: int, ctx: CalendarWriter) -> FeedRead:
    """From now on the feed's URL answers 404."""
    view = calendar_feeds.revoke_feed(ctx.write(), ctx.who.handle, feed_id)
    return FeedRead.model_validate(view, from_attributes=True)


@router.get("/calendar/{token}.ics", response_class=Response, responses=ICS)
async def feed(token: Token, state: State) -> Response:
    """The feed a calendar application subscribes to (the token is the credential)."""
    text = await run_in_threadpool(calendar_feeds.feed_calendar, state.plain(), token)
    headers = {"Cache-Control": "private, max-age=300"}
    return Response(text, media_type="text/calendar; charset=utf-8", headers=headers)
