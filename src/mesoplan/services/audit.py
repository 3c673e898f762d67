"""Use cases of the auditor: verify the chains against the records, export the chain
heads as an anchor, read the access log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from ..adapters.db.access_log import AccessEntry
    from ..adapters.db.audit_verify import ChainReport, Head


def verify_chains(
    uow: UnitOfWork, clinic_id: int | None = None, anchors: Mapping[int, Head] | None = None
) -> list[ChainReport]:
    """Every clinic's chain (or one clinic's), walked with the clinics' keys, and every
    signed session re-verified against its signature and the chain."""
    from ..adapters.db.audit_verify import verify_all, verify_clinic

    keyring = uow.keyring()
    with uow:
        if clinic_id is not None:
            anchor = (anchors or {}).get(clinic_id)
            return [verify_clinic(uow.session, clinic_id, keyring, anchor)]
        return verify_all(uow.session, keyring, anchors)


def anchor(uow: UnitOfWork) -> dict[str, Any]:
    """Every clinic's chain head, as a document to keep outside the database."""
    from ..adapters.db.audit_verify import anchor_document, heads

    with uow:
        return anchor_document(heads(uow.session), uow.now().isoformat())


def access_log(
    uow: UnitOfWork,
    clinic_id: int,
    patient_id: int | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> list[AccessEntry]:
    from ..adapters.db.access_log import entries

    with uow:
        return entries(uow.session, clinic_id, patient_id, after, limit)
