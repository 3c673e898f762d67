"""A course and its sessions: CarePlan, BodyStructure per zone, Procedure per session and
MedicationAdministration per product drawn into a session's mix."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence

from .apply import REQUEST_GROUP_ID, actions_from_schedule_doc, apply_care_plan
from .codes import GROUP_SITES, MESOTHERAPY, PROCEDURE_SYSTEM, SNOMED, ZONE_SYSTEM, extension_url
from .datatypes import JSON, coding, concept, extension, instant, quantity, reference
from .entries import CourseEntry, ProductUseEntry, SessionEntry, ZoneEntry
from .plan_definition import group_site, plan_definition_canonical, route_concept
from .refs import Refs

TARGET_BODY_STRUCTURE = "http://hl7.org/fhir/StructureDefinition/procedure-targetBodyStructure"


def course_care_plan(course: CourseEntry, refs: Refs) -> JSON:
    """The course as a CarePlan (intent plan) instantiating its protocols' PlanDefinitions;
    its dated sessions as a contained RequestGroup as in ``$apply``."""
    subject = refs.url("Patient", course.patient_key)
    canonicals = [plan_definition_canonical(p) for p in (course.protocol, *course.also)]
    if course.schedule is not None:
        out = apply_care_plan(course.schedule, subject)
        out["contained"][0] |= {"status": course.status, "intent": "plan"}
    else:
        out = {
            "resourceType": "CarePlan",
            "title": course.protocol.title,
            "subject": {"reference": subject},
            "period": {"start": course.start_date.isoformat()},
        }
        actions = actions_from_schedule_doc(course.schedule_doc or {})
        if actions:
            group = {
                "resourceType": "RequestGroup",
                "id": REQUEST_GROUP_ID,
                "instantiatesCanonical": canonicals,
                "status": course.status,
                "intent": "plan",
                "subject": {"reference": subject},
                "action": actions,
            }
            out |= {
                "contained": [group],
                "activity": [{"reference": reference(f"#{REQUEST_GROUP_ID}")}],
            }
    out |= {"id": refs.id("CarePlan", course.key), "status": course.status, "intent": "plan"}
    out["instantiatesCanonical"] = canonicals
    out["author"] = refs.to("Practitioner", course.practitioner_key)
    if course.zone_keys:
        out["supportingInfo"] = [refs.to("BodyStructure", k) for k in course.zone_keys]
    return out


def zone_site(zone: ZoneEntry) -> JSON:
    """SNOMED CT site of the zone (from the catalogue, else its group's) and the local
    zone id."""
    site = zone.site or GROUP_SITES.get(zone.group)
    codings = [coding(SNOMED, *site)] if site else []
    codings.append(coding(ZONE_SYSTEM, zone.zone_id, zone.title))
    return concept(*codings, text=zone.title)


def body_structure(zone: ZoneEntry, refs: Refs) -> JSON:
    out: JSON = {
        "resourceType": "BodyStructure",
        "id": refs.id("BodyStructure", zone.key),
        "identifier": [{"system": ZONE_SYSTEM, "value": zone.zone_id}],
        "active": True,
        "location": zone_site(zone),
        "description": zone.title,
        "patient": refs.to("Patient", zone.patient_key),
    }
    if zone.laterality:
        out["locationQualifier"] = [concept(text=zone.laterality)]
    if zone.point_count is not None:
        out["extension"] = [
            extension(extension_url("planned-point-count"), valueInteger=zone.point_count)
        ]
    if zone.map_json is not None:
        data = base64.b64encode(zone.map_json.encode("utf-8")).decode("ascii")
        out["image"] = [
            {"contentType": "application/json", "data": data, "title": "planned point map"}
        ]
    return out


def _session_sites(zones: Sequence[ZoneEntry]) -> list[JSON]:
    return [zone_site(z) for z in zones]


def procedure(session: SessionEntry, zones: Sequence[ZoneEntry], refs: Refs) -> JSON:
    """One charted session; ``zones`` are the session's zones (for bodySite)."""
    end = session.performed_at + dt.timedelta(minutes=session.duration_min)
    out: JSON = {
        "resourceType": "Procedure",
        "id": refs.id("Procedure", session.key),
        "extension": [
            extension(TARGET_BODY_STRUCTURE, valueReference=refs.to("BodyStructure", k))
            for k in session.zone_keys
        ],
        "basedOn": [refs.to("CarePlan", session.course_key)],
        "status": "completed",
        "code": concept(coding(PROCEDURE_SYSTEM, *MESOTHERAPY), text=MESOTHERAPY[1]),
        "subject": refs.to("Patient", session.patient_key),
        "performedPeriod": {"start": instant(session.performed_at), "end": instant(end)},
        "performer": [{"actor": refs.to("Practitioner", session.practitioner_key)}],
        "bodySite": _session_sites(zones),
        "outcome": concept(
            text=(
                f"session {session.number}: {session.points_done} of {session.points_planned} "
                "planned points injected"
                + ("" if session.volume_ml is None else f", {session.volume_ml:.3f} mL delivered")
                + ("" if session.signed else " (chart not signed)")
            )
        ),
    }
    if not out["extension"]:
        del out["extension"]
    if not out["bodySite"]:
        del out["bodySite"]
    if session.notes:
        out["note"] = [{"text": session.notes}]
    return out


def _dosage_site(zones: Sequence[ZoneEntry]) -> JSON | None:
    if not zones:
        return None
    if len(zones) == 1:
        return zone_site(zones[0])
    groups = {z.group for z in zones}
    text = ", ".join(z.title for z in zones)
    if len(groups) == 1:
        return concept(*group_site(next(iter(groups)))["coding"], text=text)
    return concept(text=text)


def medication_administration(use: ProductUseEntry, zones: Sequence[ZoneEntry], refs: Refs) -> JSON:
    """One product drawn into the mix: a contained Medication with its lot and expiry,
    the route, the session's site and the volume drawn (mL)."""
    medication: JSON = {
        "resourceType": "Medication",
        "id": "product",
        "code": concept(text=use.product),
        "batch": {"lotNumber": use.lot_number, "expirationDate": use.expiry_date.isoformat()},
    }
    if use.active_ingredient:
        medication["ingredient"] = [
            {"itemCodeableConcept": concept(text=use.active_ingredient), "isActive": True}
        ]
    dosage: JSON = {"route": route_concept(use.route), "dose": quantity(use.volume_ml, "ml")}
    site = _dosage_site(zones)
    if site is not None:
        dosage = {"site": site, **dosage}
    extensions = []
    if use.vial_code:
        extensions.append(extension(extension_url("vial"), valueString=use.vial_code))
    if use.provides:
        extensions.append(extension(extension_url("provides"), valueString=use.provides))
    out: JSON = {
        "resourceType": "MedicationAdministration",
        "id": refs.id("MedicationAdministration", use.key),
        "contained": [medication],
        "extension": extensions,
        "partOf": [refs.to("Procedure", use.session_key)],
        "status": "completed",
        "medicationReference": {"reference": "#product"},
        "subject": refs.to("Patient", use.patient_key),
        "effectiveDateTime": instant(use.performed_at),
        "performer": [{"actor": refs.to("Practitioner", use.practitioner_key)}],
        "dosage": dosage,
    }
    if not extensions:
        del out["extension"]
    return out
