"""Contraindication screening, overrides, rule configuration and lot/vial checks."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoplan import (
    DEFAULT_RULES,
    PatientHistory,
    Protocol,
    SafetyError,
    ScreeningRule,
    builtin_protocols,
    check_lot_expiry,
    check_vial_beyond_use,
    configure_rules,
    rules_from_mapping,
    screen,
)
from mesoplan.domain.safety_match import allergy_matches, terms_match

CONSENT = datetime(2024, 5, 1, 9, 0)


@pytest.fixture(scope="module")
def cellulite() -> Protocol:
    return builtin_protocols()["cellulite"]


@pytest.fixture(scope="module")
def face() -> Protocol:
    return builtin_protocols()["face"]


@pytest.fixture(scope="module")
def hair() -> Protocol:
    return builtin_protocols()["hair"]


def ids(result: object) -> list[str]:
    return [f.rule_id for f in result.findings]  # type: ignore[attr-defined]


def test_a_clear_history_with_consent_finds_nothing(cellulite: Protocol) -> None:
    result = screen(PatientHistory(consent_given_at=CONSENT), cellulite)
    assert result.findings == ()
    assert not result.blocked


def test_no_consent_is_a_stop(face: Protocol) -> None:
    result = screen(PatientHistory(), face)
    assert ids(result) == ["consent"]
    assert result.blocked
    assert result.stops[0].message == "no consent recorded"


def test_consent_given_after_the_screening_counts_as_missing(face: Protocol) -> None:
    history = PatientHistory(consent_given_at=datetime(2024, 5, 2))
    assert ids(screen(history, face, at=datetime(2024, 5, 1))) == ["consent"]
    assert ids(screen(history, face, at=datetime(2024, 5, 3))) == []
    with pytest.raises(SafetyError, match="time zone"):
        screen(history, face, at=datetime(2024, 5, 3, tzinfo=UTC))


@pytest.mark.parametrize(
    ("flag", "rule_id"),
    [
        ("active_skin_infection", "skin-infection"),
        ("pregnant", "pregnancy"),
        ("breastfeeding", "breastfeeding"),
    ],
)
def test_general_stops_apply_to_every_protocol(flag: str, rule_id: str) -> None:
    history = PatientHistory(consent_given_at=CONSENT, **{flag: True})
    for protocol in builtin_protocols().values():
        result = screen(history, protocol)
        assert ids(result) == [rule_id]
        assert result.stops[0].severity == "stop"
        assert result.blocked


def test_breastfeeding_names_the_label_of_tefamine(cellulite: Protocol, face: Protocol) -> None:
    history = PatientHistory(consent_given_at=CONSENT, breastfeeding=True)
    message = screen(history, [cellulite, face]).findings[0].message
    assert "label contraindication of tefamine (cellulite)" in message
    assert "tefamine" not in screen(history, face).findings[0].message


def test_sulfite_allergy_stops_tefamine_and_names_it(cellulite: Protocol) -> None:
    history = PatientHistory(consent_given_at=CONSENT, allergies=("sulfite",))
    result = screen(history, cellulite)
    assert ids(result) == ["allergy"]
    finding = result.findings[0]
    assert finding.subject == "tefamine"
    assert finding.protocol_id == "cellulite"
    assert finding.key == "allergy:tefamine"
    assert "tefamine" in finding.message
    assert "allergen 'sulfite'" in finding.message
    assert "excipient 'sodium bisulfite'" in finding.message


@pytest.mark.parametrize(
    "allergy", ["Sulphites", "sodium metabisulfite", "xanthines", "aminophylline", "Tefamin"]
)
def test_allergy_spellings_and_aliases_match_tefamine(cellulite: Protocol, allergy: str) -> None:
    result = screen(PatientHistory(consent_given_at=CONSENT, allergies=(allergy,)), cellulite)
    assert [f.key for f in result.findings] == ["allergy:tefamine"]


def test_an_unrelated_allergy_finds_nothing(cellulite: Protocol, face: Protocol) -> None:
    history = PatientHistory(consent_given_at=CONSENT, allergies=("penicillin", "latex"))
    assert screen(history, [cellulite, face]).findings == ()


def test_class_ingredient_matches_a_specific_allergy(hair: Protocol) -> None:
    history = PatientHistory(consent_given_at=CONSENT, allergies=("vitamin B12",))
    assert [f.key for f in screen(history, hair).findings] == ["allergy:vitamins"]


def test_lidocaine_allergy_warns_about_the_optional_emla(face: Protocol) -> None:
    history = PatientHistory(consent_given_at=CONSENT, allergies=("lidocaine",))
    result = screen(history, face)
    assert ids(result) == ["allergy-anaesthetic"]
    assert result.warnings[0].subject == "EMLA cream"
    assert not result.blocked


@pytest.mark.parametrize(
    ("flag", "rule_id"),
    [
        ("recent_myocardial_infarction", "xanthine-myocardial-infarction"),
        ("hypotension", "xanthine-hypotension"),
    ],
)
def test_xanthine_with_cardiac_history_stops_only_xanthine_protocols(
    cellulite: Protocol, face: Protocol, flag: str, rule_id: str
) -> None:
    history = PatientHistory(consent_given_at=CONSENT, **{flag: True})
    result = screen(history, cellulite)
    assert [f.key for f in result.findings] == [f"{rule_id}:tefamine"]
    assert "agent class xanthine" in result.findings[0].message
    assert screen(history, face).findings == ()


@pytest.mark.parametrize("flag", ["anticoagulants", "antiplatelets", "bleeding_disorder"])
def test_bleeding_risk_is_a_warning(face: Protocol, flag: str) -> None:
    result = screen(PatientHistory(consent_given_at=CONSENT, **{flag: True}), face)
    assert ids(result) == ["bleeding-risk"]
    assert result.warnings[0].severity == "warning"
    assert flag.replace("_", " ") in result.warnings[0].message
    assert not result.blocked


def test_several_protocols_give_one_general_finding(cellulite: Protocol, hair: Protocol) -> None:
    history = PatientHistory(pregnant=True)
    result = screen(history, [cellulite, hair])
    assert ids(result) == ["consent", "pregnancy"]


def test_overrides_keep_reasons_and_unblock(cellulite: Protocol) -> None:
    history = PatientHistory(consent_given_at=CONSENT, allergies=("sulfite",), hypotension=True)
    result = screen(history, cellulite)
    assert result.blocked and len(result.stops) == 2
    partial = result.with_overrides({"allergy:tefamine": "sulfite-free batch from pharmacy"})
    assert partial.blocked
    assert [f.key for f in partial.blocking] == ["xanthine-hypotension:tefamine"]
    clear = partial.with_overrides({"xanthine-hypotension": "  BP 125/80 today  "})
    assert not clear.blocked
    assert clear.overrides == {
        "allergy:tefamine": "sulfite-free batch from pharmacy",
        "xanthine-hypotension:tefamine": "BP 125/80 today",
    }
    clear.require_clear()
    with pytest.raises(SafetyError, match="xanthine-hypotension:tefamine"):
        partial.require_clear()


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_empty_reason_is_refused(face: Protocol, reason: str) -> None:
    result = screen(PatientHistory(), face)
    with pytest.raises(SafetyError, match="needs a reason"):
        result.with_overrides({"consent": reason})


def test_an_override_naming_no_finding_is_refused(face: Protocol) -> None:
    result = screen(PatientHistory(), face)
    with pytest.raises(SafetyError, match="names no finding; valid: consent"):
        result.with_overrides({"pregnancy": "not pregnant"})


def test_a_warning_may_be_acknowledged_with_a_reason(face: Protocol) -> None:
    result = screen(PatientHistory(consent_given_at=CONSENT, anticoagulants=True), face)
    acknowledged = result.with_overrides({"bleeding-risk": "INR 2.1, pressure applied"})
    assert acknowledged.findings[0].overridden


def test_configure_rules_changes_severity_drops_and_adds(face: Protocol) -> None:
    rules = configure_rules(
        severities={"bleeding-risk": "stop"},
        disabled=["allergy-anaesthetic"],
        extra=[
            ScreeningRule(
                id="dmae-pregnancy-note",
                severity="warning",
                title="DMAE",
                history=("antiplatelets",),
                applies="matching",
                ingredients=("dmae",),
            )
        ],
    )
    history = PatientHistory(consent_given_at=CONSENT, antiplatelets=True, allergies=("emla",))
    result = screen(history, face, rules)
    assert [(f.rule_id, f.severity) for f in result.findings] == [
        ("bleeding-risk", "stop"),
        ("dmae-pregnancy-note", "warning"),
    ]
    assert "ingredient DMAE" in result.findings[1].message


def test_configure_rules_refuses_unknown_ids_and_bad_severity() -> None:
    with pytest.raises(SafetyError, match="unknown screening rule 'nope'"):
        configure_rules(disabled=["nope"])
    with pytest.raises(SafetyError, match="severity 'fatal' is not valid; valid: stop, warning"):
        configure_rules(severities={"consent": "fatal"})
    with pytest.raises(SafetyError, match="share the id 'consent'"):
        configure_rules(extra=[DEFAULT_RULES[0]])


def test_rule_validation_names_the_valid_flags() -> None:
    with pytest.raises(SafetyError, match="unknown history flag 'smoker'"):
        ScreeningRule(id="x", severity="stop", title="x", history=("smoker",))
    with pytest.raises(SafetyError, match="applies='matching' needs"):
        ScreeningRule(id="x", severity="stop", title="x", history=("pregnant",), applies="matching")
    with pytest.raises(SafetyError, match="id must be"):
        ScreeningRule(id="Bad Id", severity="stop", title="x", history=("pregnant",))


def test_rules_from_mapping_like_a_toml_file(cellulite: Protocol) -> None:
    rules = rules_from_mapping(
        {
            "disabled": ["consent"],
            "rules": [
                {"id": "bleeding-risk", "severity": "stop"},
                {
                    "id": "carnitine-hypotension",
                    "severity": "warning",
                    "title": "carnitine with hypotension",
                    "history": ["hypotension"],
                    "applies": "matching",
                    "ingredients": ["carnitine"],
                    "source": "clinic policy",
                },
            ],
        }
    )
    assert "consent" not in {r.id for r in rules}
    history = PatientHistory(hypotension=True, bleeding_disorder=True)
    result = screen(history, cellulite, rules)
    assert [(f.key, f.severity) for f in result.findings] == [
        ("xanthine-hypotension:tefamine", "stop"),
        ("bleeding-risk", "stop"),
        ("carnitine-hypotension:carnitine", "warning"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rules": [{"id": "x", "severity": "stop"}]}, r"rules\[0\]: .*title"),
        ({"rules": [{"id": "consent", "colour": "red"}]}, r"unknown field 'colour'"),
        ({"rules": [{"id": "consent", "history": "pregnant"}]}, "expected a list of strings"),
        ({"rules": "consent"}, "expected a list of tables"),
        ({"disabled": "consent"}, "expected a list of rule ids"),
    ],
)
def test_rules_from_mapping_errors_say_where(data: dict[str, object], message: str) -> None:
    with pytest.raises(SafetyError, match=message):
        rules_from_mapping(data)


def test_allergies_must_be_a_list() -> None:
    with pytest.raises(SafetyError, match="not one string"):
        PatientHistory(allergies="sulfite")  # type: ignore[arg-type]
    assert PatientHistory(allergies=(" sulfite ", "", "  ")).allergies == ("sulfite",)


# -- lots and vials -----------------------------------------------------------------


def test_a_lot_is_usable_through_its_expiry_date() -> None:
    assert check_lot_expiry(date(2024, 6, 30), date(2024, 6, 30)).findings == ()
    result = check_lot_expiry(date(2024, 6, 30), date(2024, 7, 2), lot_number="TF-2291")
    assert result.blocked
    (finding,) = result.findings
    assert finding.key == "lot-expired:TF-2291"
    assert finding.message == "lot TF-2291 expired on 2024-06-30 (2 day(s) before 2024-07-02)"
    assert not result.with_overrides({"lot-expired": "no other lot; director approved"}).blocked


def test_a_vial_past_its_beyond_use_time_needs_an_override() -> None:
    bud = datetime(2024, 5, 29, 9, 0, tzinfo=UTC)
    assert check_vial_beyond_use(bud, bud).findings == ()
    result = check_vial_beyond_use(bud, datetime(2024, 5, 29, 9, 1, tzinfo=UTC), vial_id="V7")
    assert [f.key for f in result.blocking] == ["vial-beyond-use:V7"]
    with pytest.raises(SafetyError, match="needs a reason"):
        result.with_overrides({"vial-beyond-use:V7": ""})
    with pytest.raises(SafetyError, match="time zone"):
        check_vial_beyond_use(bud, datetime(2024, 5, 29, 10))


def test_lot_and_screening_results_combine(face: Protocol) -> None:
    combined = screen(PatientHistory(), face) + check_lot_expiry(
        date(2024, 1, 1), date(2024, 1, 2), lot_number="L1"
    )
    assert [f.key for f in combined.blocking] == ["consent", "lot-expired:L1"]


# -- properties ---------------------------------------------------------------------

_FLAGS = st.fixed_dictionaries(
    {
        name: st.booleans()
        for name in (
            "pregnant",
            "breastfeeding",
            "anticoagulants",
            "antiplatelets",
            "bleeding_disorder",
            "active_skin_infection",
            "recent_myocardial_infarction",
            "hypotension",
        )
    }
)


@given(
    flags=_FLAGS,
    consent=st.booleans(),
    allergies=st.lists(st.sampled_from(["sulfite", "latex", "lidocaine", "dmae"]), max_size=3),
)
def test_property_overriding_every_finding_always_unblocks(
    flags: dict[str, bool], consent: bool, allergies: list[str]
) -> None:
    history = PatientHistory(
        consent_given_at=CONSENT if consent else None, allergies=tuple(allergies), **flags
    )
    result = screen(history, list(builtin_protocols().values()))
    keys = [f.key for f in result.findings]
    assert len(keys) == len(set(keys))
    assert result.blocked == any(f.severity == "stop" for f in result.findings)
    clear = result.with_overrides({k: "reviewed" for k in keys})
    assert not clear.blocked
    assert set(clear.overrides) == set(keys)


@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_property_term_matching_is_symmetric(a: str, b: str) -> None:
    assert terms_match(a.casefold(), b.casefold()) == terms_match(b.casefold(), a.casefold())


def test_allergy_matches_reports_each_labelled_term() -> None:
    hits = allergy_matches(["sulphite"], {"excipient": ("sodium bisulfite", "water")})
    assert hits == ["allergy 'sulphite' matches excipient 'sodium bisulfite'"]


def test_history_flags_must_be_booleans() -> None:
    with pytest.raises(SafetyError, match=r"PatientHistory.pregnant: 'no'; valid: true or false"):
        PatientHistory(pregnant="no")  # type: ignore[arg-type]
    with pytest.raises(SafetyError, match="consent_given_at: a date and time"):
        PatientHistory(consent_given_at="yesterday")  # type: ignore[arg-type]


def test_every_default_rule_is_documented() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "safety.md").read_text("utf-8")
    for rule in DEFAULT_RULES:
        assert f"| `{rule.id}` | {rule.severity} |" in text, rule.id
