"""`make test`: pytest with a PostgreSQL server when one answers.

An explicit MESOPLAN_TEST_DATABASE_URL always wins. Without it, the PostgreSQL at
127.0.0.1:5432 (user postgres, or PGUSER) is used when it answers: a throwaway database
is created for the run and dropped after. Otherwise one line says that the PostgreSQL
tests are skipped and how to run them. Arguments are passed to pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

ENV = "MESOPLAN_TEST_DATABASE_URL"
HOST, PORT = "127.0.0.1", 5432
HOW = (
    f"PostgreSQL tests skipped: no server answers at {HOST}:{PORT} and {ENV} is not set; "
    f"to run them start PostgreSQL there, or set {ENV}=postgresql+psycopg://USER@HOST:PORT/DB"
)


def _admin_url() -> str:
    user = os.environ.get("PGUSER", "postgres")
    return f"postgresql+psycopg://{user}@{HOST}:{PORT}/postgres"


def _throwaway() -> tuple[str, str] | None:
    """A new database on the local server: (its URL, its name); None if none answers."""
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        admin = make_url(_admin_url())
        with psycopg.connect(
            host=HOST,
            port=PORT,
            user=admin.username,
            dbname="postgres",
            connect_timeout=3,
            autocommit=True,
        ) as conn:
            name = f"mesoplan_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception:
        return None
    return admin.set(database=name).render_as_string(hide_password=False), name


def _drop(name: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(_admin_url())
    with psycopg.connect(
        host=HOST, port=PORT, user=admin.username, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(args: list[str]) -> int:
    pytest = [sys.executable, "-m", "pytest", *args]
    if os.environ.get(ENV):
        return subprocess.call(pytest)
    made = _throwaway()
    if made is None:
        print(HOW, flush=True)
        return subprocess.call(pytest)
    url, name = made
    print(f"PostgreSQL tests on a throwaway database {name} at {HOST}:{PORT}", flush=True)
    try:
        return subprocess.call(pytest, env=os.environ | {ENV: url})
    finally:
        _drop(name)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
