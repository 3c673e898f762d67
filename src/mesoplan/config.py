"""One settings object for the whole application (environment variables ``MESOPLAN_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _split_paths(value: str | None) -> tuple[Path, ...]:
    if not value:
        return ()
    return tuple(Path(p).expanduser() for p in value.split(os.pathsep) if p.strip())


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("mesoplan", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once from the environment by :meth:`from_env`.

    ``protocol_path``: folders (or files) of clinic protocols, ``MESOPLAN_PROTOCOL_PATH``,
    separated like ``PATH`` (``:`` on POSIX).
    ``database_url``: ``MESOPLAN_DATABASE_URL``; ``None`` means a SQLite file in the user
    data directory (see :meth:`resolved_database_url`).
    ``practitioner``: ``MESOPLAN_PRACTITIONER``, the acting practitioner's handle.
    """

    protocol_path: tuple[Path, ...] = ()
    database_url: str | None = None
    data_dir: Path | None = None
    practitioner: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        data_dir = env.get("MESOPLAN_DATA_DIR")
        return cls(
            protocol_path=_split_paths(env.get("MESOPLAN_PROTOCOL_PATH")),
            database_url=env.get("MESOPLAN_DATABASE_URL") or None,
            data_dir=Path(data_dir).expanduser() if data_dir else None,
            practitioner=env.get("MESOPLAN_PRACTITIONER") or None,
        )

    def resolved_data_dir(self) -> Path:
        return self.data_dir if self.data_dir is not None else default_data_dir()

    def resolved_database_url(self) -> str:
        """``database_url``, or a SQLite file ``mesoplan.sqlite`` in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir() / 'mesoplan.sqlite'}"
