"""Every resource of a set of records, in an order where referenced resources come first.

A :class:`RecordSource` hands out the records type by type (the database one streams
rows; :class:`MemorySource` holds lists); :func:`export_resources` turns each record into
its resource as it comes, so nothing is held beyond the record at hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol as Interface

from ...domain.protocol import Protocol
from .bundle import collection_bundle
from .datatypes import JSON
from .entries import (
    ClinicEntry,
    CourseEntry,
    HistoryEntry,
    MeasurementEntry,
    OverrideEntry,
    PatientEntry,
    PractitionerEntry,
    ProductUseEntry,
    ReactionEntry,
    SessionEntry,
    SignatureEntry,
    ZoneEntry,
)
from .follow_up import adverse_event, observation, provenance
from .history import detected_issue, history_resources
from .people import organization, patient, practitioner
from .plan_definition import plan_definition
from .refs import Refs
from .sessions import body_structure, course_care_plan, medication_administration, procedure

Zoned = tuple[SessionEntry, Sequence[ZoneEntry]]
ZonedUse = tuple[ProductUseEntry, Sequence[ZoneEntry]]


class RecordSource(Interface):
    """Records to export; each method may stream (it is iterated once)."""

    def clinics(self) -> Iterable[ClinicEntry]: ...
    def practitioners(self) -> Iterable[PractitionerEntry]: ...
    def patients(self) -> Iterable[PatientEntry]: ...
    def protocols(self) -> Iterable[Protocol]: ...
    def zones(self) -> Iterable[ZoneEntry]: ...
    def courses(self) -> Iterable[CourseEntry]: ...
    def sessions(self) -> Iterable[Zoned]: ...
    def product_uses(self) -> Iterable[ZonedUse]: ...
    def measurements(self) -> Iterable[MeasurementEntry]: ...
    def reactions(self) -> Iterable[ReactionEntry]: ...
    def signatures(self) -> Iterable[SignatureEntry]: ...
    def safety_histories(self) -> Iterable[HistoryEntry]: ...
    def safety_overrides(self) -> Iterable[OverrideEntry]: ...


@dataclass
class MemorySource:
    """Records held in lists (one patient's history, or a test's)."""

    clinic_list: list[ClinicEntry] = field(default_factory=list)
    practitioner_list: list[PractitionerEntry] = field(default_factory=list)
    patient_list: list[PatientEntry] = field(default_factory=list)
    zone_list: list[ZoneEntry] = field(default_factory=list)
    course_list: list[CourseEntry] = field(default_factory=list)
    session_list: list[SessionEntry] = field(default_factory=list)
    use_list: list[ProductUseEntry] = field(default_factory=list)
    measurement_list: list[MeasurementEntry] = field(default_factory=list)
    reaction_list: list[ReactionEntry] = field(default_factory=list)
    signature_list: list[SignatureEntry] = field(default_factory=list)
    history_list: list[HistoryEntry] = field(default_factory=list)
    override_list: list[OverrideEntry] = field(default_factory=list)

    def _zones(self, keys: Sequence[str]) -> list[ZoneEntry]:
        by_key = {z.key: z for z in self.zone_list}
        return [by_key[k] for k in keys if k in by_key]

    def clinics(self) -> Iterable[ClinicEntry]:
        return self.clinic_list

    def practitioners(self) -> Iterable[PractitionerEntry]:
        return self.practitioner_list

    def patients(self) -> Iterable[PatientEntry]:
        return self.patient_list

    def protocols(self) -> Iterable[Protocol]:
        return list({c.protocol.content_hash: c.protocol for c in self.course_list}.values())

    def zones(self) -> Iterable[ZoneEntry]:
        return self.zone_list

    def courses(self) -> Iterable[CourseEntry]:
        return self.course_list

    def sessions(self) -> Iterable[Zoned]:
        return [(s, self._zones(s.zone_keys)) for s in self.session_list]

    def product_uses(self) -> Iterable[ZonedUse]:
        return [(u, self._zones(u.zone_keys)) for u in self.use_list]

    def measurements(self) -> Iterable[MeasurementEntry]:
        return self.measurement_list

    def reactions(self) -> Iterable[ReactionEntry]:
        return self.reaction_list

    def signatures(self) -> Iterable[SignatureEntry]:
        return self.signature_list

    def safety_histories(self) -> Iterable[HistoryEntry]:
        return self.history_list

    def safety_overrides(self) -> Iterable[OverrideEntry]:
        return self.override_list


def protocol_key(protocol: Protocol) -> str:
    return f"{protocol.key}#{protocol.content_hash}"


def export_resources(source: RecordSource, refs: Refs) -> Iterator[tuple[str, JSON]]:
    """``(fullUrl or Type/id, resource)`` for every record of ``source``."""

    def keyed(kind: str, key: str, resource: JSON) -> tuple[str, JSON]:
        return refs.url(kind, key), resource

    for c in source.clinics():
        yield keyed("Organization", c.key, organization(c, refs))
    for p in source.practitioners():
        yield keyed("Practitioner", p.key, practitioner(p, refs))
    for pt in source.patients():
        yield keyed("Patient", pt.key, patient(pt, refs))
    for protocol in source.protocols():
        resource = plan_definition(protocol)
        resource["id"] = refs.id("PlanDefinition", protocol_key(protocol))
        yield keyed("PlanDefinition", protocol_key(protocol), resource)
    for z in source.zones():
        yield keyed("BodyStructure", z.key, body_structure(z, refs))
    for course in source.courses():
        yield keyed("CarePlan", course.key, course_care_plan(course, refs))
    for s, zones in source.sessions():
        yield keyed("Procedure", s.key, procedure(s, zones, refs))
    for u, zones in source.product_uses():
        yield keyed("MedicationAdministration", u.key, medication_administration(u, zones, refs))
    for m in source.measurements():
        yield keyed("Observation", m.key, observation(m, refs))
    for r in source.reactions():
        yield keyed("AdverseEvent", r.key, adverse_event(r, refs))
    for sig in source.signatures():
        yield keyed("Provenance", sig.key, provenance(sig, refs))
    for h in source.safety_histories():
        for kind, key, resource in history_resources(h, refs):
            yield keyed(kind, key, resource)
    for o in source.safety_overrides():
        yield keyed("DetectedIssue", o.key, detected_issue(o, refs))


def records_bundle(
    source: RecordSource, timestamp: dt.datetime, scope: str = "", bundle_type: str = "collection"
) -> JSON:
    """The records as one Bundle whose references are its entries' ``urn:uuid:`` fullUrls."""
    refs = Refs(mode="urn", scope=scope)
    return collection_bundle(export_resources(source, refs), timestamp, bundle_type)
