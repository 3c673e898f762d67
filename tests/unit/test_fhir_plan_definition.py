"""Protocols as PlanDefinitions: valid R4, readable, and imported back unchanged."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoplan import ProtocolError, builtin_protocols, parse_protocol_text
from mesoplan.adapters.fhir import plan_definition, protocol_from_plan_definition, protocol_toml
from mesoplan.adapters.fhir.codes import SNOMED, ZONE_GROUP_SYSTEM
from mesoplan.adapters.fhir.plan_definition import PROTOCOL_JSON_URL, computable_name
from mesoplan.domain.protocol_text import protocol_from_data
from tests.fhir_check import assert_valid, parse_model

PROTOCOLS = builtin_protocols()


def ext(resource: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [e for e in resource.get("extension", []) if e["url"].endswith("/" + name)]


def parts(extension: dict[str, Any]) -> dict[str, Any]:
    return {
        p["url"]: next(v for k, v in p.items() if k.startswith("value"))
        for p in extension["extension"]
    }


@pytest.mark.parametrize("pid", sorted(PROTOCOLS))
def test_builtin_protocols_export_as_valid_r4(pid: str) -> None:
    resource = plan_definition(PROTOCOLS[pid])
    assert_valid(resource)
    model = parse_model(resource)
    assert model.version == "2.0.0"
    assert len(model.contained) == 1 + len(PROTOCOLS[pid].area_rules)


@pytest.mark.parametrize("pid", sorted(PROTOCOLS))
def test_round_trip_gives_the_same_protocol(pid: str) -> None:
    protocol = PROTOCOLS[pid]
    back = protocol_from_plan_definition(json.loads(json.dumps(plan_definition(protocol))))
    assert back == protocol
    assert back.content_hash == protocol.content_hash
    again = parse_protocol_text(protocol_toml(back, origin="x.json"))
    assert again.content_hash == protocol.content_hash


def test_cellulite_mapping_reads_as_the_protocol_says() -> None:
    protocol = PROTOCOLS["cellulite"]
    pd = plan_definition(protocol)
    assert pd["url"] == "https://mesoplan.org/fhir/PlanDefinition/cellulite"
    assert pd["identifier"][0]["value"] == protocol.content_hash
    assert [a["label"] for a in pd["relatedArtifact"]] == [
        "article",
        "tefamin-label",
        "follow-up",
        "emla-label",
        "lidocaine-label",
    ]
    induction, maintenance = pd["action"]
    assert induction["timingTiming"]["repeat"] == {
        "frequency": 1,
        "period": 7,
        "periodUnit": "d",
        "count": 4,
    }
    assert maintenance["timingTiming"]["repeat"]["boundsDuration"]["value"] == 3
    assert maintenance["relatedAction"][0]["actionId"] == "induction"
    assert maintenance["relatedAction"][0]["offsetDuration"]["value"] == 14
    assert ext(induction, "min-days-between")[0]["valueDuration"]["value"] == 6
    mix, thighs_hips, stomach = pd["contained"]
    assert [i["itemCodeableConcept"]["text"] for i in mix["ingredient"]] == [
        "tefamine",
        "carnitine",
    ]
    assert mix["ingredient"][0]["itemCodeableConcept"]["coding"][0]["code"] == "R03DA05"
    assert thighs_hips["dosage"][0]["route"]["coding"][0] == {
        "system": SNOMED,
        "code": "372464004",
        "display": "Intradermal route",
    }
    dose = thighs_hips["dosage"][0]["doseAndRate"][0]
    assert dose["type"]["text"] == "per injection"
    assert (dose["doseRange"]["low"]["value"], dose["doseRange"]["high"]["value"]) == (0.2, 0.2)
    assert thighs_hips["dosage"][0]["maxDosePerAdministration"]["value"] == 0.2
    assert "0.2 mL per injection" in thighs_hips["dosage"][0]["text"]
    assert "at most 10 mL per session (5 to 10 mL)" in thighs_hips["dosage"][0]["text"]
    sites = [c["coding"][0]["code"] for c in thighs_hips["bodySite"]]
    assert sites == ["68367000", "29836001"]
    assert stomach["bodySite"][0]["coding"][0]["code"] == "818981001"
    ranges = {parts(e)["quantity"]: parts(e) for e in ext(thighs_hips, "range")}
    assert ranges["depth_mm"]["default"]["value"] == 1.5
    assert ranges["budget_ml"]["max"]["value"] == 10
    assert ranges["dose_per_point_ml"]["default"]["value"] == 0.2
    assert "volume_ml" not in ranges
    assert ranges["spacing_cm"]["max"] == {
        "value": 2,
        "unit": "cm",
        "system": "http://unitsofmeasure.org",
        "code": "cm",
    }
    assert parts(ext(thighs_hips, "point-cap")[0]) == {"group": "thighs", "maxPoints": 50}
    assert [a["definitionCanonical"] for a in induction["action"]] == [
        "#rule-thighs-hips",
        "#rule-stomach",
    ]
    reactions = [parts(e) for e in ext(pd, "expected-reaction")]
    assert reactions[2]["mixContains"] == "phosphatidylcholine"
    assert reactions[2]["maxDuration"]["value"] == 20160


def test_group_without_snomed_code_keeps_the_local_code_only() -> None:
    data = json.loads(PROTOCOLS["face"].canonical_json())
    data["area_rules"][0]["groups"] = ["face", "neck"]
    pd = plan_definition(protocol_from_data(data))
    neck = pd["contained"][1]["bodySite"][1]
    assert neck == {"coding": [{"system": ZONE_GROUP_SYSTEM, "code": "neck"}], "text": "neck"}


def test_thigh_circumference_goal_has_local_code_first() -> None:
    goal = plan_definition(PROTOCOLS["cellulite"])["goal"][1]
    codings = goal["target"][0]["measure"]["coding"]
    assert [c["code"] for c in codings] == ["thigh_circumference_cm", "413171006"]


def test_computable_names() -> None:
    assert computable_name("face_v2") == "FaceV2"
    assert computable_name("2024-face") == "P2024Face"


def tampered(**change: Any) -> dict[str, Any]:
    pd = copy.deepcopy(plan_definition(PROTOCOLS["face"]))
    pd.update(change)
    return pd


@pytest.mark.parametrize(
    ("resource", "field", "words"),
    [
        ({"resourceType": "Patient"}, "resourceType", "expected a PlanDefinition"),
        (tampered(extension=[]), "extension", "only PlanDefinitions exported by mesoplan"),
        (tampered(version="3.0.0"), "version", "the embedded protocol has '2.0.0'"),
        (tampered(title="Face!"), "title", "not in the FHIR resource"),
        (
            tampered(
                identifier=[
                    {
                        "system": "https://mesoplan.org/fhir/CodeSystem/protocol-content-hash",
                        "value": "sha256:00",
                    }
                ]
            ),
            "identifier",
            "was edited",
        ),
    ],
)
def test_import_refuses_what_is_not_an_unchanged_export(
    resource: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ProtocolError) as caught:
        protocol_from_plan_definition(resource, source="in.json")
    issue = caught.value.issues[0]
    assert (issue.file, issue.field) == ("in.json", field)
    assert words in issue.message


def test_invalid_embedded_protocol_names_the_field() -> None:
    pd = plan_definition(PROTOCOLS["face"])
    data = json.loads(PROTOCOLS["face"].canonical_json())
    data["area_rules"][0]["depth_mm"]["max"] = 0.1
    for e in pd["extension"]:
        if e["url"] == PROTOCOL_JSON_URL:
            e["valueString"] = json.dumps(data)
    with pytest.raises(ProtocolError, match="depth_mm"):
        protocol_from_plan_definition(pd)


@given(
    version=st.from_regex(r"\A[1-9]\.[0-9]{1,2}\.[0-9]\Z"),
    volume=st.floats(min_value=0.5, max_value=4.0, allow_nan=False).map(lambda v: round(v, 3)),
    dose=st.floats(min_value=0.001, max_value=0.01, allow_nan=False).map(lambda v: round(v, 4)),
    title=st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
    ).filter(str.strip),
)
def test_round_trip_property(version: str, volume: float, dose: float, title: str) -> None:
    data = json.loads(PROTOCOLS["face"].canonical_json())
    data.update(version=version, title=title)
    for name, value in (("budget_ml", volume), ("dose_per_point_ml", dose)):
        rng = data["area_rules"][0][name]
        rng.update(default=value, min=min(value, rng["min"]), max=max(value, rng["max"]))
    protocol = protocol_from_data(data)
    assert protocol.area_rules[0].dose.default == dose
    back = protocol_from_plan_definition(plan_definition(protocol))
    assert back.content_hash == protocol.content_hash
    assert parse_protocol_text(protocol_toml(back)).content_hash == protocol.content_hash
