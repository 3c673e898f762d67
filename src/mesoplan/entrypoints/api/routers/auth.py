"""Sign in and out; who am I; users and their API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Response

from ....services import accounts, api_keys, auth, listings
from ....services.accounts import NewUser, UserChange
from ....services.unit_of_work import UnitOfWork
from .. import etags
from ..deps import Authenticated, IfMatch, Paging, Reader, State, UserAdmin
from ..pagination import Page, encode_cursor
from ..schemas.accounts import (
    ApiKeyCreate,
    ApiKeyRead,
    ApiKeySecretRead,
    LoginCreate,
    TokenRead,
    UserCreate,
    UserRead,
    UserUpdate,
)

router = APIRouter(tags=["auth and users"])


@router.post("/auth/login", response_model=TokenRead)
def login(body: Annotated[LoginCreate, Body()], state: State) -> TokenRead:
    """Exchange a username and password for a bearer token (valid for the token TTL)."""
    policy = state.api.passwords
    clinic_id = auth.find_login(state.plain(), body.username, body.password, policy)
    uow = state.write_for(clinic_id, body.username, "POST /auth/login")
    result = auth.login(uow, body.username, state.api.token_ttl)
    user = UserRead.model_validate(result.user)
    return TokenRead(access_token=result.token, expires_at=result.expires_at, user=user)


@router.post("/auth/logout", status_code=204)
def logout(ctx: Authenticated) -> Response:
    """Revoke the token of this request (API keys are revoked with DELETE /api-keys/{id})."""
    if ctx.who.token_id is not None:
        auth.logout(ctx.write(), ctx.who.token_id)
    ctx.state.auth_cache.forget_user(ctx.who.user_id)
    return Response(status_code=204)


@router.get("/auth/me", response_model=UserRead)
async def me(ctx: Authenticated) -> Response:
    return await ctx.respond(lambda uow: _user(uow, ctx.who.user_id))


def _user(uow: UnitOfWork, user_id: int) -> UserRead:
    return UserRead.model_validate(accounts.get_user(uow, user_id))


@router.get("/users", response_model=Page[UserRead])
def list_users(ctx: Reader, paging: Paging, role: str | None = None) -> Page[UserRead]:
    with ctx.read() as uow:
        p = listings.users(uow, role, paging.after, paging.limit)
        items = [UserRead.model_validate(v) for v in p.items]
    return Page[UserRead](items=items, next_cursor=encode_cursor(p.next_after))


@router.post("/users", response_model=UserRead, status_code=201)
def create_user(body: UserCreate, ctx: UserAdmin, response: Response) -> UserRead:
    spec = NewUser(body.username, body.name, body.role, body.password, body.licence)
    view = accounts.create_user(ctx.write(), spec, ctx.state.api.passwords)
    response.headers["Location"] = f"/users/{view.id}"
    return etags.with_etag(response, UserRead.model_validate(view))


@router.get("/users/{user_id}", response_model=UserRead)
async def get_user(user_id: int, ctx: Reader) -> Response:
    return await ctx.respond(lambda uow: _user(uow, user_id))


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(
    user_id: int, body: UserUpdate, ctx: UserAdmin, if_match: IfMatch, response: Response
) -> UserRead:
    """Change name, role, licence, password or active flag; deactivating or a new password
    revokes the user's login tokens."""
    uow = ctx.write(etags.matching(if_match, lambda u: _user(u, user_id)))
    change = UserChange(**body.model_dump(exclude_unset=True))
    view = accounts.update_user(uow, user_id, change, ctx.state.api.passwords)
    ctx.state.auth_cache.forget_user(user_id)
    return etags.with_etag(response, UserRead.model_validate(view))


@router.delete("/users/{user_id}", status_code=204)
def deactivate_user(user_id: int, ctx: UserAdmin, if_match: IfMatch) -> Response:
    """Deactivate (users are never deleted: their records name them)."""
    uow = ctx.write(etags.matching(if_match, lambda u: _user(u, user_id)))
    accounts.update_user(uow, user_id, UserChange(active=False), ctx.state.api.passwords)
    ctx.state.auth_cache.forget_user(user_id)
    return Response(status_code=204)


def _key(uow: UnitOfWork, key_id: int) -> ApiKeyRead:
    return ApiKeyRead.model_validate(api_keys.api_key_view(api_keys.api_key_row(uow, key_id)))


@router.get("/users/{user_id}/api-keys", response_model=Page[ApiKeyRead])
def list_api_keys(user_id: int, ctx: UserAdmin, paging: Paging) -> Page[ApiKeyRead]:
    with ctx.read() as uow:
        p = listings.api_keys(uow, user_id, paging.after, paging.limit)
        items = [ApiKeyRead.model_validate(v) for v in p.items]
    return Page[ApiKeyRead](items=items, next_cursor=encode_cursor(p.next_after))


@router.post("/users/{user_id}/api-keys", response_model=ApiKeySecretRead, status_code=201)
def create_api_key(user_id: int, body: ApiKeyCreate, ctx: UserAdmin) -> ApiKeySecretRead:
    """A key that acts as the user; the secret is in this response only."""
    key, view = api_keys.create_api_key(ctx.write(), user_id, body.name)
    return ApiKeySecretRead(**ApiKeyRead.model_validate(view).model_dump(), key=key)


@router.get("/api-keys/{key_id}", response_model=ApiKeyRead)
async def get_api_key(key_id: int, ctx: UserAdmin) -> Response:
    return await ctx.respond(lambda uow: _key(uow, key_id))


@router.delete("/api-keys/{key_id}", status_code=204)
def revoke_api_key(key_id: int, ctx: UserAdmin, if_match: IfMatch) -> Response:
    uow = ctx.write(etags.matching(if_match, lambda u: _key(u, key_id)))
    user_id = api_keys.revoke_api_key(uow, key_id)
    ctx.state.auth_cache.forget_user(user_id)
    return Response(status_code=204)
