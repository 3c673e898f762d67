"""Every number of the article's three protocols, checked against the loaded built-ins.

The expected values are the table in clinical-notes §1 (the article's numbers).
"""

from __future__ import annotations

import pytest

from mesoplan import builtin_protocols
from mesoplan.domain.protocol import Protocol

P = builtin_protocols()


def rule(protocol_id: str, group: str):  # type: ignore[no-untyped-def]
    r = P[protocol_id].rule_for_group(group)
    assert r is not None, f"{protocol_id} has no rule for {group}"
    return r


def test_three_builtins_with_their_ids() -> None:
    assert sorted(P) == ["cellulite", "face", "hair"]


# (protocol, group, field, min, max): the article's range; a single number is default and max.
RANGES = [
    ("cellulite", "thighs", "spacing_cm", 2.0, 2.0),
    ("cellulite", "hips", "spacing_cm", 2.0, 2.0),
    ("cellulite", "stomach", "spacing_cm", 2.0, 2.0),
    ("cellulite", "thighs", "depth_mm", 1.0, 2.0),
    ("cellulite", "stomach", "depth_mm", 1.0, 2.0),
    ("face", "face", "spacing_cm", 0.1, 1.0),
    ("face", "face", "depth_mm", 0.2, 0.6),
    ("face", "face", "budget_ml", 2.0, 4.0),
    ("hair", "scalp", "spacing_cm", 0.5, 1.0),
    ("hair", "scalp", "depth_mm", 0.5, 0.6),
]


@pytest.mark.parametrize(("pid", "group", "field", "lo", "hi"), RANGES)
def test_article_ranges(pid: str, group: str, field: str, lo: float, hi: float) -> None:
    r = getattr(rule(pid, group), field)
    assert (r.min, r.max) == (lo, hi)
    assert r.min <= r.default <= r.max
    assert r.source == "article"


# (protocol, group, default = max volume in mL per session): single numbers in the article.
SINGLE_VOLUMES = [
    ("cellulite", "thighs", 10.0),
    ("cellulite", "hips", 10.0),
    ("cellulite", "stomach", 5.0),
    ("hair", "scalp", 5.0),
]


@pytest.mark.parametrize(("pid", "group", "volume"), SINGLE_VOLUMES)
def test_single_number_volume_is_default_and_max(pid: str, group: str, volume: float) -> None:
    r = rule(pid, group).budget_ml
    assert r.default == volume
    assert r.max == volume


@pytest.mark.parametrize("pid", ["cellulite", "face", "hair"])
def test_builtins_are_format_2_at_version_2(pid: str) -> None:
    p = P[pid]
    assert (p.format_version, p.version) == (2, "2.0.0")
    assert all(r.volume_ml is None for r in p.area_rules)


# (protocol, group, dose min, default, max in mL): derived, docs/protocols.md
DOSES = [
    ("cellulite", "thighs", 0.2, 0.2, 0.2),  # 10 mL / 50 injections
    ("cellulite", "stomach", 0.2, 0.2, 0.2),  # the thighs' dose; 5 mL -> 25 points
    ("face", "face", 0.001, 0.0016, 0.0093),
    ("hair", "scalp", 0.0021, 0.0049, 0.0088),
]


@pytest.mark.parametrize(("pid", "group", "lo", "default", "hi"), DOSES)
def test_doses_per_point_are_derived(
    pid: str, group: str, lo: float, default: float, hi: float
) -> None:
    d = rule(pid, group).dose_per_point_ml
    assert (d.min, d.default, d.max) == (lo, default, hi)
    assert d.source == "derived"


def test_cellulite_dose_is_the_article_volume_over_its_50_injections() -> None:
    r = rule("cellulite", "thighs")
    assert r.budget_ml.max / r.max_points_for("thighs") == r.dose_per_point_ml.default


@pytest.mark.parametrize(
    ("pid", "group", "counts"),
    [("face", "face", (49491, 1873, 429)), ("hair", "scalp", (2336, 1016, 564))],
)
def test_face_and_scalp_doses_are_the_whole_area_volume_over_the_whole_area_lattice(
    pid: str, group: str, counts: tuple[int, int, int]
) -> None:
    """The arithmetic of docs/protocols.md, on the real lattices: the derived range is what
    the format 1 conversion computes from the 1.0.0 volume and spacing ranges."""
    from mesoplan.domain.protocol_upgrade import derived_dose, group_lattice_points

    r = rule(pid, group)
    spacings = (r.spacing_cm.min, r.spacing_cm.default, r.spacing_cm.max)
    assert tuple(group_lattice_points(group, s) for s in spacings) == counts
    derived = derived_dose(r, r.budget_ml)
    d = r.dose_per_point_ml
    assert (derived.min, derived.default, derived.max) == (d.min, d.default, d.max)


def test_the_face_minimum_dose_is_the_floor() -> None:
    # 4 mL / 49,491 points at 0.1 cm is below 0.001 mL: the minimum is the floor, so the
    # face at 0.1 cm holds at most 4 / 0.001 = 4,000 points
    d = rule("face", "face").dose_per_point_ml
    assert 4.0 / 49491 < 0.001 == d.min


def test_cellulite_spacing_default_is_two_cm() -> None:
    assert rule("cellulite", "thighs").spacing_cm.default == 2.0


def test_hips_and_thighs_share_one_rule_and_the_50_point_cap_is_on_thighs() -> None:
    r = rule("cellulite", "thighs")
    assert r is rule("cellulite", "hips")
    assert r.max_points_for("thighs") == 50
    assert r.max_points_for(None) is None
    assert rule("cellulite", "stomach") is not r


@pytest.mark.parametrize("pid", ["face", "hair"])
def test_face_and_scalp_have_no_invented_point_cap(pid: str) -> None:
    assert all(not r.point_caps for r in P[pid].area_rules)


@pytest.mark.parametrize(
    ("pid", "groups"),
    [("cellulite", {"thighs", "hips", "stomach"}), ("face", {"face"}), ("hair", {"scalp"})],
)
def test_groups(pid: str, groups: set[str]) -> None:
    assert set(P[pid].groups) == groups


@pytest.mark.parametrize(
    ("pid", "agents"),
    [
        ("cellulite", {"tefamine", "carnitine"}),
        ("face", {"DMAE"}),
        ("hair", {"antioxidants", "vitamins", "hyaluronic acid", "vasodilators"}),
    ],
)
def test_agents(pid: str, agents: set[str]) -> None:
    assert set(P[pid].ingredient_names()) == agents


def test_tefamine_carries_sulfite_and_xanthine() -> None:
    tef = next(i for i in P["cellulite"].ingredients if i.name == "tefamine")
    assert "sulfite" in tef.allergens
    assert tef.agent_class == "xanthine"
    assert tef.atc_code == "R03DA05"


def phases(p: Protocol) -> list[tuple[str, int | None, int | None, int | None]]:
    return [(ph.name, ph.sessions, ph.interval_days, ph.interval_months) for ph in p.phases]


def test_cellulite_calendar() -> None:
    assert phases(P["cellulite"]) == [("induction", 4, 7, None), ("maintenance", None, 14, None)]
    assert P["cellulite"].phases[1].duration_months is not None  # "several months": a default


def test_face_calendar() -> None:
    assert phases(P["face"]) == [("course", 10, 7, None)]


def test_hair_calendar() -> None:
    assert phases(P["hair"]) == [("induction", 4, 7, None), ("maintenance", None, None, 1)]
    assert P["hair"].phases[1].duration_months is not None


def reactions(pid: str) -> dict[tuple[str, str | None], float]:
    return {
        (r.kind, r.condition.describe() if r.condition else None): r.max_duration_min
        for r in P[pid].expected_reactions
    }


def test_cellulite_reactions() -> None:
    assert reactions("cellulite") == {
        ("redness", None): 1440,
        ("oedema", None): 1440,
        ("redness", "mix contains phosphatidylcholine"): 14 * 1440,
    }


def test_face_reactions_last_at_most_30_minutes() -> None:
    assert reactions("face") == {("redness", None): 30, ("oedema", None): 30}


def test_hair_bleeding_lasts_a_few_minutes() -> None:
    (kind, cond), minutes = next(iter(reactions("hair").items()))
    assert (kind, cond) == ("bleeding", None)
    assert 1 <= minutes <= 15


def test_outcomes_and_patient_information() -> None:
    cell = {(o.measure, o.direction) for o in P["cellulite"].expected_outcomes}
    assert ("thigh_circumference_cm", "decrease") in cell
    hair = P["hair"]
    assert any("does not regrow hair" in limit for limit in hair.patient_information.limits)
    assert hair.patient_information.maintenance


def test_face_combinations_and_emla_everywhere() -> None:
    assert set(P["face"].combinable_with) == {"botulinum toxin", "hyaluronic-acid filler"}
    for p in P.values():
        assert p.pretreatment is not None
        assert p.pretreatment.topical_anaesthetic.startswith("EMLA")
        assert p.pretreatment.required is False
        assert p.follow_up_days >= 84


def test_every_number_cites_a_source_or_is_marked() -> None:
    for p in P.values():
        ids = {s.id for s in p.sources} | {"derived", "default"}
        for _, src in p._cited():
            assert src in ids
