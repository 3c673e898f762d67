"""Drug amounts in mg: a plan's mg per ingredient, a charted session's mg per substance
against the protocol's maxima (per session and per kg of body weight)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoplan import builtin_protocols
from mesoplan.domain.drug_amounts import (
    Applied,
    Drawn,
    check_drug_amounts,
    plan_drug_amounts,
    rule_ingredient_mg,
    session_totals,
)
from mesoplan.domain.planner import plan
from mesoplan.domain.protocol import Ingredient, Protocol
from mesoplan.domain.protocol_text import protocol_from_data

PROTOCOLS = builtin_protocols()
CELLULITE = PROTOCOLS["cellulite"]
EMLA = Applied("EMLA cream", 5.0)


def with_concentration(protocol: Protocol, **mg_per_ml: float) -> Protocol:
    ingredients = tuple(
        dataclasses.replace(i, concentration_mg_per_ml=mg_per_ml.get(i.name))
        for i in protocol.ingredients
    )
    return dataclasses.replace(protocol, ingredients=ingredients)


def tefamine(volume_ml: float, mg_per_ml: float | None = 160.0, lot: str = "TF-A1") -> Drawn:
    return Drawn("tefamine", "Tefamin", lot, volume_ml, mg_per_ml)


def rules(result: object) -> list[tuple[str, str | None]]:
    return [(f.rule_id, f.subject) for f in result.findings]  # type: ignore[attr-defined]


# -- the plan ----------------------------------------------------------------------


def test_plan_mg_per_ingredient_from_rule_volumes() -> None:
    protocol = with_concentration(CELLULITE, tefamine=24.0)
    tef, carn = plan_drug_amounts(protocol, {0: 10.0, 1: 5.0})
    assert tef.ingredient == "tefamine"
    assert tef.concentration_mg_per_ml == 24.0
    assert tef.mg == pytest.approx(360.0)
    assert tef.mg_by_rule == ((0, 240.0), (1, 120.0))
    assert tef.max_mg_per_session == 240.0
    assert (carn.ingredient, carn.mg, carn.mg_by_rule) == ("carnitine", None, ())


def test_plan_mg_follow_the_planned_volumes() -> None:
    protocol = with_concentration(CELLULITE, tefamine=12.0, carnitine=50.0)
    planned = plan(protocol, ["thigh-left-lateral", "abdomen"], budget_ml={"stomach": 4.0})
    volumes = {r.rule_index: r.volume_ml for r in planned.rules}
    assert volumes == {0: pytest.approx(10.0), 1: pytest.approx(4.0)}
    tef, carn = plan_drug_amounts(protocol, volumes)
    assert tef.mg == pytest.approx(12.0 * 14.0)
    assert carn.mg == pytest.approx(50.0 * 14.0)
    assert dict(carn.mg_by_rule) == {0: pytest.approx(500.0), 1: pytest.approx(200.0)}


def test_plan_json_carries_mg_per_ingredient_by_rule() -> None:
    from mesoplan.adapters.plan_output import plan_to_dict

    protocol = with_concentration(CELLULITE, tefamine=12.0)
    planned = plan(protocol, ["thigh-left-lateral", "abdomen"], budget_ml={"stomach": 4.0})
    rules = plan_to_dict(planned)["rules"]
    assert [r["ingredient_mg"] for r in rules] == [{"tefamine": 120.0}, {"tefamine": 48.0}]
    assert [r["ingredient_mg"] for r in plan_to_dict(plan(CELLULITE, ["abdomen"]))["rules"]] == [{}]


def test_one_rule_mg_by_ingredient_name() -> None:
    protocol = with_concentration(CELLULITE, tefamine=24.0)
    assert rule_ingredient_mg(protocol, 10.0) == (("tefamine", 240.0),)
    assert rule_ingredient_mg(CELLULITE, 10.0) == ()


@given(volumes=st.dictionaries(st.integers(0, 5), st.floats(0.001, 100.0), max_size=6))
def test_property_plan_mg_is_concentration_times_total_volume(volumes: dict[int, float]) -> None:
    protocol = with_concentration(CELLULITE, tefamine=24.0)
    tef = plan_drug_amounts(protocol, volumes)[0]
    assert tef.mg == pytest.approx(24.0 * sum(volumes.values()), abs=1e-5)
    assert sum(mg for _, mg in tef.mg_by_rule) == pytest.approx(tef.mg, abs=1e-5)


# -- a charted session ---------------------------------------------------------------


def test_products_drawn_are_summed_by_ingredient() -> None:
    drawn = [tefamine(0.75), tefamine(0.5, 160.0, "TF-B2")]
    totals, strange = session_totals(CELLULITE, drawn, EMLA)
    by_name = {t.name: t for t in totals}
    assert by_name["tefamine"].mg == pytest.approx(200.0)
    assert by_name["lidocaine"].mg == pytest.approx(125.0)  # 5 g x 25 mg/g
    assert by_name["prilocaine"].mg == pytest.approx(125.0)
    assert strange == ()


@pytest.mark.parametrize(
    ("volumes", "blocked"),
    [((0.75, 0.75), False), ((0.75, 0.76), True), ((1.5,), False), ((1.0, 0.6), True)],
)
def test_tefamine_maximum_over_all_lots(volumes: tuple[float, ...], blocked: bool) -> None:
    drawn = [tefamine(v, 160.0, f"L{i}") for i, v in enumerate(volumes)]
    result = check_drug_amounts(CELLULITE, drawn, None, None)
    assert rules(result) == ([("drug-max-dose", "tefamine")] if blocked else [])
    if blocked:
        mg = 160.0 * sum(volumes)
        assert f"tefamine: {mg:g} mg in this session, above its maximum of 240 mg" in (
            result.findings[0].message
        )
        assert "source tefamin-label" in result.findings[0].message


@pytest.mark.parametrize(
    ("grams", "weight_kg", "limit_mg", "blocked"),
    [
        (5.0, 62.0, 279.0, False),  # 125 mg
        (11.16, 62.0, 279.0, False),  # 279 mg: at the maximum
        (11.2, 62.0, 279.0, True),  # 280 mg > 4.5 x 62
        (12.0, 80.0, 300.0, False),  # 300 mg: 4.5 x 80 = 360, the 300 mg cap binds
        (12.1, 80.0, 300.0, True),
    ],
)
def test_lidocaine_per_kg_and_absolute_maximum(
    grams: float, weight_kg: float, limit_mg: float, blocked: bool
) -> None:
    result = check_drug_amounts(CELLULITE, [], Applied("emla cream", grams), weight_kg)
    assert rules(result) == ([("drug-max-dose", "lidocaine")] if blocked else [])
    lidocaine = next(t for t in session_totals(CELLULITE, [], Applied("EMLA cream", grams))[0])
    assert lidocaine.limit_mg(weight_kg) == pytest.approx(limit_mg)
    if blocked:
        message = result.findings[0].message
        assert f"above its maximum of {limit_mg:g} mg" in message
        assert f"4.5 mg/kg x {weight_kg:g} kg" in message


def clinic_protocol() -> Protocol:
    """A clinic protocol with lidocaine in the mix: the cream's lidocaine adds to it."""
    lidocaine = Ingredient(
        name="lidocaine",
        role="anaesthetic",
        source="lidocaine-label",
        max_mg_per_session=300.0,
        max_mg_per_kg_per_session=4.5,
        max_dose_source="lidocaine-label",
    )
    return dataclasses.replace(CELLULITE, ingredients=(*CELLULITE.ingredients, lidocaine))


def test_lidocaine_in_the_mix_and_in_the_cream_are_one_total() -> None:
    drawn = [Drawn("lidocaine", "Lidocaine 1%", "LD-1", 10.0, 10.0)]  # 100 mg
    applied = Applied("EMLA cream", 8.0)  # 200 mg
    result = check_drug_amounts(clinic_protocol(), drawn, applied, 62.0)
    assert rules(result) == [("drug-max-dose", "lidocaine")]
    assert "lidocaine: 300 mg in this session, above its maximum of 279 mg" in (
        result.findings[0].message
    )
    assert (
        check_drug_amounts(clinic_protocol(), drawn, Applied("EMLA cream", 7.0), 62.0).findings
        == ()
    )


def test_a_per_kg_maximum_needs_the_weight() -> None:
    result = check_drug_amounts(CELLULITE, [tefamine(1.0)], EMLA, None)
    assert rules(result) == [("drug-weight-unknown", None)]
    assert "body_weight_kg" in result.findings[0].message
    assert check_drug_amounts(CELLULITE, [tefamine(1.0)], None, None).findings == ()


def test_an_amount_that_cannot_be_counted_is_a_stop() -> None:
    drawn = [tefamine(0.5, None, "TF-X"), Drawn("carnitine", "Carnitine", "CN-1", 2.0, None)]
    result = check_drug_amounts(CELLULITE, drawn, None, None)
    # Carnitine has no maximum: its unknown strength does not matter.
    assert rules(result) == [("drug-amount-unknown", "TF-X")]
    assert "lot TF-X has no mg per mL recorded" in result.findings[0].message
    other = check_drug_amounts(CELLULITE, [], Applied("Lidocaine gel", 3.0), 62.0)
    assert rules(other) == [("drug-amount-unknown", "Lidocaine gel")]
    assert "the protocol's is EMLA cream" in other.findings[0].message


def test_every_stop_is_overridden_by_its_key_with_a_reason() -> None:
    result = check_drug_amounts(CELLULITE, [tefamine(2.0), tefamine(0.5, None, "TF-X")], EMLA, None)
    assert result.blocked
    keys = sorted(f.key for f in result.findings)
    assert keys == ["drug-amount-unknown:TF-X", "drug-max-dose:tefamine", "drug-weight-unknown"]
    cleared = result.with_overrides({k: "reviewed by the medical director" for k in keys})
    assert not cleared.blocked
    assert set(cleared.overrides.values()) == {"reviewed by the medical director"}


def test_protocols_without_maxima_never_stop() -> None:
    face = PROTOCOLS["face"]
    plain = dataclasses.replace(face, pretreatment=None)
    drawn = [Drawn("DMAE", "DMAE 3%", "D-1", 4.0, None)]
    assert check_drug_amounts(plain, drawn, Applied("anything", 100.0), None).findings == ()


# -- the model ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"max_mg_per_session": 100.0}, "a maximum dose needs max_dose_source"),
        ({"max_dose_source": "article"}, "max_dose_source is given but there is no max"),
        (
            {"max_mg_per_session": 100.0, "max_dose_source": "nowhere"},
            r"ingredients\[1\].max_dose_source is 'nowhere'",
        ),
        ({"max_mg_per_kg_per_session": -1.0, "max_dose_source": "article"}, "greater than 0"),
        ({"concentration_mg_per_ml": 0}, "greater than 0"),
    ],
)
def test_ingredient_dose_fields_are_checked(fields: dict[str, object], message: str) -> None:
    data = CELLULITE.to_dict()
    data["ingredients"][1].update(fields)
    with pytest.raises(Exception, match=message):
        protocol_from_data(data)


def test_builtin_maxima_cite_their_labels() -> None:
    tef = CELLULITE.ingredients[0]
    assert (tef.max_mg_per_session, tef.max_dose_source) == (240.0, "tefamin-label")
    for protocol in PROTOCOLS.values():
        assert protocol.pretreatment is not None
        lidocaine, prilocaine = protocol.pretreatment.contents or ()
        assert (lidocaine.name, lidocaine.mg_per_g) == ("lidocaine", 25.0)
        assert (lidocaine.max_mg_per_session, lidocaine.max_mg_per_kg_per_session) == (300.0, 4.5)
        assert lidocaine.max_dose_source == "lidocaine-label"
        assert (prilocaine.mg_per_g, prilocaine.has_maximum) == (25.0, False)
        others = [i for i in protocol.ingredients if i is not tef]
        assert all(not i.has_maximum for i in others)
