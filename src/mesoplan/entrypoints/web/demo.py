"""First start of ``make run``: bring the database up to date, add the demo clinic (fake
patients, through the ordinary use cases) and a demo login, and print the login.

``python -m mesoplan.entrypoints.web.demo`` does it; a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password"


@dataclass(frozen=True)
class DemoLogin:
    url: str
    username: str
    password: str
    created: bool


def _add_login(engine: Any, clinic_id: int) -> None:
    from ...adapters.db import session_factory
    from ...adapters.db.audit import Actor
    from ...services.accounts import NewUser, PasswordPolicy, create_user
    from ...services.scoped import ClinicUnitOfWork

    scoped = ClinicUnitOfWork(session_factory(engine), clinic_id, Actor("make run", "demo login"))
    user = NewUser(DEMO_USER, "Dr Demo Web (fake)", "practitioner", DEMO_PASSWORD)
    create_user(scoped, user, PasswordPolicy())


def ensure_demo(database_url: str, base_url: str = "http://127.0.0.1:8000") -> DemoLogin:
    from ...adapters.db import make_engine
    from ...adapters.db.migrate import upgrade
    from ...services.demo import CLINIC, build_demo
    from ...services.unit_of_work import UnitOfWork

    engine = make_engine(database_url)
    upgrade(engine)
    uow = UnitOfWork.from_engine(engine)

    def demo_clinic() -> int | None:
        with uow:
            return next((c.id for c in uow.people.clinics() if c.name == CLINIC), None)

    clinic_id = demo_clinic()
    with uow:
        has_user = uow.people.find_practitioner(DEMO_USER) is not None
    created = clinic_id is None
    if clinic_id is None:
        build_demo(engine)
        clinic_id = demo_clinic()
        assert clinic_id is not None
    if not has_user:
        _add_login(engine, clinic_id)
    engine.dispose()
    return DemoLogin(f"{base_url}/app/", DEMO_USER, DEMO_PASSWORD, created)


def main(argv: list[str] | None = None) -> None:
    """``--serve [--host H] [--port P]`` serves the app (API and pages) after the demo."""
    import argparse

    from ...config import Settings

    parser = argparse.ArgumentParser(prog="python -m mesoplan.entrypoints.web.demo")
    parser.add_argument("--serve", action="store_true", help="then serve the app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    base = f"http://{args.host}:{args.port}"
    login = ensure_demo(settings.resolved_database_url(), base)
    state = "created" if login.created else "already there"
    print(f"Demo clinic (fake patients): {state}.")
    print(f"Open {login.url} and log in as {login.username} / {login.password}", flush=True)
    if args.serve:
        import uvicorn

        from ..api.app import create_app

        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
