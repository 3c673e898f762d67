"""Log in through the API's accounts: the same users, argon2 passwords, login tokens,
clinic scoping and audit trail as the REST API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...domain.protocol import Protocol
from .context import AuthBackend, Identity

if TYPE_CHECKING:
    from ...services.scoped import ClinicUnitOfWork
    from ..api.state import AppState


class AccountsBackend(AuthBackend):
    def __init__(self, state: AppState) -> None:
        self.state = state

    def login(self, username: str, password: str) -> tuple[str, Identity]:
        """The API's login, under the same throttle: the username's back-off and the
        bounded password hashes in flight (the page shows the refusal)."""
        from ...services.accounts import login_name
        from ...services.auth import AuthenticationError, find_login, login

        throttle, name = self.state.login_throttle, login_name(username)
        throttle.check(name, None)
        try:
            with throttle.hashing():
                clinic_id = find_login(self.state.plain(), name, password, self.state.api.passwords)
        except AuthenticationError:
            throttle.failed(name, None)
            raise
        throttle.succeeded(name)
        uow = self.state.write_for(clinic_id, name, "POST /app/login", entrypoint="web")
        result = login(uow, name, self.state.api.token_ttl)
        identity = self.identify(result.token)
        assert identity is not None
        return result.token, identity

    def identify(self, token: str) -> Identity | None:
        from ...services.accounts import TOKEN_PREFIX
        from ...services.auth import authenticate

        if not token.startswith(TOKEN_PREFIX):
            return None
        who = authenticate(self.state.plain(), token)
        if who is None:
            return None
        with self.state.read(who) as uow:
            person = uow.people.practitioner(who.handle)
            clinic = uow.people.clinic_by_id(who.clinic_id)
            return Identity(
                who.username,
                who.handle,
                person.name,
                who.role,
                who.clinic_id,
                clinic.name,
                clinic.timezone,
                who.user_id,
                who.token_id,
            )

    def logout(self, token: str) -> None:
        from ...services.auth import logout

        identity = self.identify(token)
        if identity is not None and identity.token_id is not None:
            logout(self.uow_for(identity, "POST /app/logout"), identity.token_id)

    def uow_for(self, identity: Identity, action: str | None = None) -> ClinicUnitOfWork:
        label = f"{identity.username} ({identity.role})"
        if action is None:
            from ...services.scoped import ClinicUnitOfWork
            from ...services.unit_of_work import Reader

            return ClinicUnitOfWork(
                self.state.sessions,
                identity.clinic_id,
                None,
                self.state.clock,
                reader=Reader(label, "web"),
            )
        return self.state.write_for(identity.clinic_id, label, action, entrypoint="web")

    def clinic_protocols(self, identity: Identity) -> list[Protocol]:
        from ...services.clinic_protocols import all_protocols

        with self.uow_for(identity) as uow:
            return [e.protocol for e in all_protocols(uow) if e.origin == "clinic"]

    def save_clinic_protocol(self, identity: Identity, text: str, name: str) -> Protocol:
        from ...services.clinic_protocols import upload_protocol

        uow = self.uow_for(identity, "POST /app/protocols")
        return upload_protocol(uow, identity.handle, text).protocol
