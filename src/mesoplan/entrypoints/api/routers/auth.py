"""Sign in and out; who am I; users and their API keys."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from ....services import accounts, api_keys, auth, listings
from ....services.accounts import NewUser, UserChange
from ....services.auth import AuthenticationError
from ....services.login_throttle import LoginBusy, LoginThrottled
from ....services.unit_of_work import UnitOfWork
from .. import etags
from ..bounds import PathId
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
from ..state import AppState

router = APIRouter(tags=["auth and users"])


@router.post("/auth/login", response_model=TokenRead)
async def login(body: Annotated[LoginCreate, Body()], state: State, request: Request) -> TokenRead:
    """Exchange a username and password for a bearer token (valid for the token TTL).
    After repeated failures of a username or from an address: 429 with Retry-After;
    when every password check slot stays busy: 503 with Retry-After."""
    address = request.client.host if request.client else "unknown"
    clinic_id = await _checked_login(state, body, address)
    uow = state.write_for(clinic_id, body.username, "POST /auth/login")
    result = await run_in_threadpool(auth.login, uow, body.username, state.api.token_ttl)
    user = UserRead.model_validate(result.user)
    return TokenRead(access_token=result.token, expires_at=result.expires_at, user=user)


async def _checked_login(state: AppState, body: LoginCreate, address: str) -> int:
    """The user's clinic once the throttle lets the attempt through and the password
    matches; each failure counts against the username and the address. Waiting for a
    hash slot holds no worker thread."""
    throttle = state.login_throttle
    check = partial(auth.find_login, state.plain(), body.username, body.password)
    try:
        throttle.check(body.username, address)
        async with throttle.hashing_async():
            clinic_id = await run_in_threadpool(check, state.api.passwords)
    except LoginThrottled as exc:
        await run_in_threadpool(_audit_throttled, state, body.username, address, exc.retry_after_s)
        raise HTTPException(429, str(exc), {"Retry-After": str(exc.retry_after_s)}) from None
    except LoginBusy as exc:
        raise HTTPException(503, str(exc), {"Retry-After": str(exc.retry_after_s)}) from None
    except AuthenticationError:
        throttle.failed(body.username, address)
        raise
    throttle.succeeded(body.username)
    return clinic_id


def _audit_throttled(state: AppState, username: str, address: str, wait_s: int) -> None:
    clinic_id = auth.clinic_of_username(state.plain(), username)
    if clinic_id is None or not state.login_throttle.should_audit(username):
        return
    uow = state.write_for(clinic_id, username, "POST /auth/login (throttled)")
    auth.record_throttled(uow, username, address, wait_s)


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
async def get_user(user_id: PathId, ctx: Reader) -> Response:
    return await ctx.respond(lambda uow: _user(uow, user_id))


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(
    user_id: PathId, body: UserUpdate, ctx: UserAdmin, if_match: IfMatch, response: Response
) -> UserRead:
    """Change name, role, licence, password or active flag; deactivating or a new password
    revokes the user's login tokens."""
    uow = ctx.write(etags.matching(if_match, lambda u: _user(u, user_id)))
    change = UserChange(**body.model_dump(exclude_unset=True))
    view = accounts.update_user(uow, user_id, change, ctx.state.api.passwords)
    ctx.state.auth_cache.forget_user(user_id)
    return etags.with_etag(response, UserRead.model_validate(view))


@router.delete("/users/{user_id}", status_code=204)
def deactivate_user(user_id: PathId, ctx: UserAdmin, if_match: IfMatch) -> Response:
    """Deactivate (users are never deleted: their records name them)."""
    uow = ctx.write(etags.matching(if_match, lambda u: _user(u, user_id)))
    accounts.update_user(uow, user_id, UserChange(active=False), ctx.state.api.passwords)
    ctx.state.auth_cache.forget_user(user_id)
    return Response(status_code=204)


def _key(uow: UnitOfWork, key_id: int) -> ApiKeyRead:
    return ApiKeyRead.model_validate(api_keys.api_key_view(api_keys.api_key_row(uow, key_id)))


@router.get("/users/{user_id}/api-keys", response_model=Page[ApiKeyRead])
def list_api_keys(user_id: PathId, ctx: UserAdmin, paging: Paging) -> Page[ApiKeyRead]:
    with ctx.read() as uow:
        p = listings.api_keys(uow, user_id, paging.after, paging.limit)
        items = [ApiKeyRead.model_validate(v) for v in p.items]
    return Page[ApiKeyRead](items=items, next_cursor=encode_cursor(p.next_after))


@router.post("/users/{user_id}/api-keys", response_model=ApiKeySecretRead, status_code=201)
def create_api_key(user_id: PathId, body: ApiKeyCreate, ctx: UserAdmin) -> ApiKeySecretRead:
    """A key that acts as the user; the secret is in this response only."""
    key, view = api_keys.create_api_key(ctx.write(), user_id, body.name)
    return ApiKeySecretRead(**ApiKeyRead.model_validate(view).model_dump(), key=key)


@router.get("/api-keys/{key_id}", response_model=ApiKeyRead)
async def get_api_key(key_id: PathId, ctx: UserAdmin) -> Response:
    return await ctx.respond(lambda uow: _key(uow, key_id))


@router.delete("/api-keys/{key_id}", status_code=204)
def revoke_api_key(key_id: PathId, ctx: UserAdmin, if_match: IfMatch) -> Response:
    uow = ctx.write(etags.matching(if_match, lambda u: _key(u, key_id)))
    user_id = api_keys.revoke_api_key(uow, key_id)
    ctx.state.auth_cache.forget_user(user_id)
    return Response(status_code=204)
