"""Reactions flagged against the protocol: duration, unexpected kinds, infection signs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoplan import (
    Protocol,
    Reaction,
    ReactionError,
    ReactionSeverity,
    assess_reaction,
    builtin_protocols,
)

SESSION = date(2024, 5, 6)
ONSET = datetime(2024, 5, 6, 11, 0)
CELLULITE_MIX = ("tefamine", "carnitine")


@pytest.fixture(scope="module")
def protocols() -> dict[str, Protocol]:
    return builtin_protocols()


def redness(duration_min: float | None, zone: str = "thigh-left-lateral") -> Reaction:
    return Reaction(
        "redness",
        zone,
        ONSET,
        ReactionSeverity.MILD,
        duration_min=duration_min,
        resolved=duration_min is not None,
    )


def test_cellulite_redness_within_one_day_is_not_flagged(protocols: dict[str, Protocol]) -> None:
    a = assess_reaction(protocols["cellulite"], redness(1440), CELLULITE_MIX, SESSION, SESSION)
    assert a.expected_max_min == 1440
    assert not a.flagged


def test_builtin_cellulite_redness_past_one_day_is_flagged(protocols: dict[str, Protocol]) -> None:
    a = assess_reaction(protocols["cellulite"], redness(1441), CELLULITE_MIX, SESSION, SESSION)
    assert a.codes == ("longer_than_expected",)
    assert a.flags[0].message == (
        "redness at thigh-left-lateral lasted 1441 min, longer than protocol cellulite expects "
        "(1440 min (1 day) at most; the 20160 min (14 days) allowance needs: mix contains "
        "phosphatidylcholine)"
    )


def test_the_two_week_allowance_holds_only_with_phosphatidylcholine(
    protocols: dict[str, Protocol],
) -> None:
    p = protocols["cellulite"]
    mix = ("tefamine", "Phosphatidylcholine")
    assert assess_reaction(p, redness(10 * 1440), mix, SESSION, SESSION).expected_max_min == 20160
    assert not assess_reaction(p, redness(10 * 1440), mix, SESSION, SESSION).flagged
    assert assess_reaction(p, redness(20161), mix, SESSION, SESSION).codes == (
        "longer_than_expected",
    )
    # oedema has no such allowance: one day, whatever the mix
    oedema = Reaction("edema", "thigh-left-lateral", ONSET, "mild", 2000, True)  # type: ignore[arg-type]
    assert oedema.kind == "oedema"
    assert assess_reaction(p, oedema, mix, SESSION, SESSION).expected_max_min == 1440


def test_face_redness_past_thirty_minutes_is_flagged(protocols: dict[str, Protocol]) -> None:
    face = protocols["face"]
    assert not assess_reaction(face, redness(30, "cheek-left"), ["DMAE"], SESSION, SESSION).flagged
    flagged = assess_reaction(face, redness(31, "cheek-left"), ["DMAE"], SESSION, SESSION)
    assert flagged.codes == ("longer_than_expected",)
    assert "30 min at most" in flagged.flags[0].message


def test_an_ongoing_reaction_is_flagged_once_it_outlasts_the_maximum(
    protocols: dict[str, Protocol],
) -> None:
    p = protocols["cellulite"]
    ongoing = redness(None)
    assert ongoing.ongoing
    assert not assess_reaction(p, ongoing, CELLULITE_MIX, SESSION, SESSION).flagged
    early = ONSET + timedelta(hours=20)
    assert not assess_reaction(p, ongoing, CELLULITE_MIX, SESSION, as_of=early).flagged
    late = assess_reaction(p, ongoing, CELLULITE_MIX, SESSION, as_of=ONSET + timedelta(days=2))
    assert late.codes == ("longer_than_expected",)
    assert "has lasted (ongoing) 2880 min (2 days)" in late.flags[0].message


def test_a_kind_the_protocol_does_not_expect_is_flagged(protocols: dict[str, Protocol]) -> None:
    bruise = Reaction("bruising", "scalp-vertex", ONSET, "mild", 5, True)  # type: ignore[arg-type]
    a = assess_reaction(protocols["hair"], bruise, ["vitamins"], SESSION, SESSION)
    assert a.codes == ("not_expected",)
    assert a.expected_max_min is None
    assert a.flags[0].message == (
        "bruising is not an expected reaction of protocol hair (expected: bleeding)"
    )


def test_hair_bleeding_for_a_few_minutes_is_expected(protocols: dict[str, Protocol]) -> None:
    bleed = Reaction("bleeding", "scalp-vertex", ONSET, "mild", 8, True)  # type: ignore[arg-type]
    assert not assess_reaction(protocols["hair"], bleed, ["vitamins"], SESSION, SESSION).flagged


@pytest.mark.parametrize("kind", ["nodule", "abscess", "discharge"])
def test_infection_signs_within_follow_up_are_possible_mycobacterial_infection(
    protocols: dict[str, Protocol], kind: str
) -> None:
    p = protocols["cellulite"]
    last = date(2024, 6, 3)
    onset = datetime.combine(last + timedelta(days=84), datetime.min.time())
    reaction = Reaction(kind, "thigh-right-lateral", onset, "moderate")  # type: ignore[arg-type]
    a = assess_reaction(p, reaction, CELLULITE_MIX, SESSION, last)
    assert a.possible_infection
    assert set(a.codes) == {"not_expected", "possible_mycobacterial_infection"}
    message = next(f.message for f in a.flags if f.code == "possible_mycobacterial_infection")
    assert "84-day follow-up after the last session (2024-06-03)" in message
    later = Reaction(kind, "thigh-right-lateral", onset + timedelta(days=1), "moderate")  # type: ignore[arg-type]
    assert not assess_reaction(p, later, CELLULITE_MIX, SESSION, last).possible_infection


def test_the_window_starts_from_the_session_when_no_last_session_is_given(
    protocols: dict[str, Protocol],
) -> None:
    p = protocols["face"]
    onset = datetime(2024, 7, 29, 9)  # 84 days after 2024-05-06
    reaction = Reaction("nodule", "cheek-left", onset, "mild")  # type: ignore[arg-type]
    assert assess_reaction(p, reaction, ["DMAE"], SESSION).possible_infection


def test_a_severe_reaction_is_flagged(protocols: dict[str, Protocol]) -> None:
    r = Reaction("redness", "cheek-left", ONSET, "severe", 10, True)  # type: ignore[arg-type]
    a = assess_reaction(protocols["face"], r, ["DMAE"], SESSION, SESSION)
    assert a.codes == ("severe",)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "sneezing"}, "reaction kind 'sneezing' is not known; valid: redness"),
        ({"severity": "awful"}, "severity 'awful'; valid: mild, moderate, severe"),
        ({"duration_min": -1}, "valid: 0 or more"),
        ({"resolved": True}, "a resolved reaction needs its duration_min"),
        ({"zone": " "}, "non-empty zone"),
    ],
)
def test_reactions_are_validated(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "kind": "redness",
        "zone": "cheek-left",
        "onset": ONSET,
        "severity": "mild",
    }
    base.update(kwargs)
    with pytest.raises(ReactionError, match=message):
        Reaction(**base)  # type: ignore[arg-type]


def test_onset_before_the_session_and_mixed_time_zones_are_refused(
    protocols: dict[str, Protocol],
) -> None:
    p = protocols["face"]
    early = Reaction("redness", "cheek-left", datetime(2024, 5, 5, 23), "mild")  # type: ignore[arg-type]
    with pytest.raises(ReactionError, match="onset 2024-05-05 is before its session on 2024-05-06"):
        assess_reaction(p, early, ["DMAE"], SESSION, SESSION)
    with pytest.raises(ReactionError, match="last session 2024-05-01 is before"):
        assess_reaction(p, redness(5), ["DMAE"], SESSION, date(2024, 5, 1))
    with pytest.raises(ReactionError, match="time zone"):
        assess_reaction(p, redness(None), ["DMAE"], SESSION, as_of=datetime(2024, 5, 7, tzinfo=UTC))


@given(duration=st.floats(min_value=0, max_value=40_000), pc=st.booleans())
def test_property_flagged_exactly_when_longer_than_the_applicable_maximum(
    duration: float, pc: bool
) -> None:
    p = builtin_protocols()["cellulite"]
    mix = (*CELLULITE_MIX, "phosphatidylcholine") if pc else CELLULITE_MIX
    a = assess_reaction(p, redness(duration), mix, SESSION, SESSION)
    limit = 20160 if pc else 1440
    assert a.expected_max_min == limit
    assert a.flagged == (duration > limit)


def test_dates_and_times_are_checked(protocols: dict[str, Protocol]) -> None:
    with pytest.raises(ReactionError, match="onset: a date and time is required"):
        Reaction("redness", "cheek-left", date(2024, 5, 6), "mild")  # type: ignore[arg-type]
    with pytest.raises(ReactionError, match="session_date: a date is required"):
        assess_reaction(protocols["face"], redness(5), ["DMAE"], "2024-05-06")  # type: ignore[arg-type]
    # a datetime given for a date counts as its day
    a = assess_reaction(protocols["face"], redness(5), ["DMAE"], datetime(2024, 5, 6, 8))
    assert not a.flagged
