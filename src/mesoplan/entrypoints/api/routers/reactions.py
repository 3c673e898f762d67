"""Reactions after a session, flagged against what the protocol expects."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ....adapters.db.records import ReactionRow
from ....services import listings, reactions
from ....services.unit_of_work import UnitOfWork
from ....services.views import to_jsonable
from ..bounds import PathId, QueryId
from ..deps import Paging, ReactionWriter, Reader
from ..pagination import Page, encode_cursor
from ..schemas.sessions import ReactionCreate, ReactionRead, ReactionRecordedRead

router = APIRouter(tags=["reactions"])


def _read(row: ReactionRow) -> ReactionRead:
    return ReactionRead.model_validate(row, from_attributes=True)


def read_reaction(uow: UnitOfWork, reaction_id: int) -> ReactionRead:
    return _read(listings.reaction(uow, reaction_id))


@router.post(
    "/sessions/{session_id}/reactions", response_model=ReactionRecordedRead, status_code=201
)
def record_reaction(
    session_id: PathId, body: ReactionCreate, ctx: ReactionWriter, response: Response
) -> ReactionRecordedRead:
    """A reaction reported after a session; a possible infection lists every other
    patient who received a lot of that session's mix."""
    view = reactions.record_reaction(
        ctx.write(),
        ctx.who.handle,
        session_id,
        body.kind,
        body.zone,
        body.onset_at,
        body.severity,
        body.duration_min,
        body.resolved,
        body.note,
    )
    response.headers["Location"] = f"/reactions/{view.id}"
    data = to_jsonable(view)
    data["note"] = body.note or None
    return ReactionRecordedRead.model_validate(data)


@router.get("/reactions", response_model=Page[ReactionRead])
def list_reactions(
    ctx: Reader, paging: Paging, session_id: QueryId = None, patient_id: QueryId = None
) -> Page[ReactionRead]:
    with ctx.read() as uow:
        p = listings.reactions(uow, session_id, patient_id, paging.after, paging.limit)
        items = [_read(r) for r in p.items]
    return Page[ReactionRead](items=items, next_cursor=encode_cursor(p.next_after))


@router.get("/reactions/{reaction_id}", response_model=ReactionRead)
async def get_reaction(reaction_id: PathId, ctx: Reader) -> Response:
    return await ctx.respond(lambda uow: read_reaction(uow, reaction_id))
