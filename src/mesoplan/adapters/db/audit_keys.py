"""The clinics' audit keys, kept outside the database (``MESOPLAN_AUDIT_KEY_FILE``).

The file is TOML; each clinic (by id) names the key id new entries are written with and
every key id it has used, each a secret of at least 32 bytes written as hex::

    [clinics.1]
    current = "2026-12"

    [clinics.1.keys]
    "2026-01" = "5f1c...64 hex digits..."
    "2026-12" = "9a0b...64 hex digits..."

Rotation adds a key id and makes it ``current``; the old keys stay so the entries they
keyed keep verifying. A clinic with no section (or no file at all) writes unkeyed
entries (algorithm ``sha256``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ...domain.errors import MesoplanError

MIN_KEY_BYTES = 32


class AuditKeyError(MesoplanError):
    """The key file cannot be read, or it lacks a key an entry names."""


@dataclass(frozen=True)
class ClinicKeys:
    current: str
    keys: Mapping[str, bytes]


@dataclass(frozen=True)
class Keyring:
    clinics: Mapping[int, ClinicKeys] = field(default_factory=dict)
    source: Path | None = None

    def signing_key(self, clinic_id: int) -> tuple[str, bytes] | None:
        """``(key_id, key)`` that new entries of the clinic are keyed with, if any."""
        keys = self.clinics.get(clinic_id)
        return None if keys is None else (keys.current, keys.keys[keys.current])

    def key(self, clinic_id: int, key_id: str) -> bytes:
        keys = self.clinics.get(clinic_id)
        if keys is None or key_id not in keys.keys:
            where = self.source or "MESOPLAN_AUDIT_KEY_FILE (not set)"
            raise AuditKeyError(
                f"clinic {clinic_id}: the audit key {key_id!r} that keyed the chain is not "
                f"in {where}"
            )
        return keys.keys[key_id]

    @classmethod
    def from_file(cls, path: Path | None) -> Keyring:
        if path is None:
            return cls()
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise AuditKeyError(f"audit key file {path}: cannot read ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise AuditKeyError(f"audit key file {path}: not TOML ({exc})") from None
        clinics = doc.get("clinics", {})
        if not isinstance(clinics, dict):
            raise AuditKeyError(f"audit key file {path}: expected [clinics.<id>] sections")
        return cls({_clinic_id(path, k): _clinic(path, k, v) for k, v in clinics.items()}, path)


def _clinic_id(path: Path, key: str) -> int:
    if not key.isdigit():
        raise AuditKeyError(f"audit key file {path}: [clinics.{key}]: a clinic id is a number")
    return int(key)


def _clinic(path: Path, name: str, doc: object) -> ClinicKeys:
    where = f"audit key file {path}: [clinics.{name}]"
    if not isinstance(doc, dict) or not isinstance(doc.get("keys"), dict):
        raise AuditKeyError(f"{where}: needs current = KEY_ID and a [clinics.{name}.keys] table")
    keys: dict[str, bytes] = {}
    for key_id, text in doc["keys"].items():
        try:
            secret = bytes.fromhex(str(text))
        except ValueError:
            raise AuditKeyError(f"{where}: key {key_id!r} is not hex") from None
        if len(secret) < MIN_KEY_BYTES:
            raise AuditKeyError(
                f"{where}: key {key_id!r} has {len(secret)} bytes; at least {MIN_KEY_BYTES}"
            )
        keys[str(key_id)] = secret
    current = doc.get("current")
    if not isinstance(current, str) or current not in keys:
        raise AuditKeyError(f"{where}: current = {current!r}; valid: one of {sorted(keys)}")
    return ClinicKeys(current, keys)
