"""Tests for the weekly peer-coaching rotation (pure Python, no database)."""

from __future__ import annotations

import random
from collections import Counter
from itertools import combinations

import pytest

from cohorts.pairing import Member, rotation_weeks

Week = list[tuple[int, ...]]


def cohort(n: int, *, teams: int | None = None, first_id: int = 100) -> list[Member]:
    """`n` members with ids first_id, first_id + 1, ...; teams assigned round-robin if given."""
    return [Member(id=first_id + i, team_id=None if teams is None else i % teams) for i in range(n)]


def meetings(weeks: list[Week]) -> Counter[frozenset[int]]:
    """How often each pair of ids shared a group (a trio counts as three pairs)."""
    return Counter(
        frozenset(pair) for week in weeks for group in week for pair in combinations(group, 2)
    )


def met_before_from(weeks: list[Week]) -> dict[frozenset[int], int]:
    return dict(meetings(weeks))


def assert_everyone_once_per_week(weeks: list[Week], members: list[Member]) -> None:
    expected = sorted(member.id for member in members)
    for week in weeks:
        assert sorted(member_id for group in week for member_id in group) == expected
        for group in week:
            assert list(group) == sorted(group)


def same_team_pairs(week: Week, team_of: dict[int, int | None]) -> int:
    return sum(
        team_of[a] is not None and team_of[a] == team_of[b]
        for group in week
        for a, b in combinations(group, 2)
    )


# --- even counts ---------------------------------------------------------------------------------


def test_even_count_meets_everyone_once_per_cycle() -> None:
    members = cohort(8)
    weeks = rotation_weeks(members=members, weeks=7, seed=3)

    assert len(weeks) == 7
    assert_everyone_once_per_week(weeks, members)
    assert all(len(week) == 4 and all(len(group) == 2 for group in week) for week in weeks)
    all_pairs = {frozenset(pair) for pair in combinations([m.id for m in members], 2)}
    counts = meetings(weeks)
    assert set(counts) == all_pairs
    assert set(counts.values()) == {1}


def test_weeks_beyond_a_cycle_repeat_the_cycle() -> None:
    members = cohort(6)
    weeks = rotation_weeks(members=members, weeks=12, seed=8)

    assert weeks[5:10] == weeks[:5]
    assert weeks[10:] == weeks[:2]


# --- odd counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [5, 7, 41])
def test_odd_count_has_exactly_one_trio_per_week(n: int) -> None:
    members = cohort(n)
    weeks = rotation_weeks(members=members, weeks=n, seed=11)

    assert_everyone_once_per_week(weeks, members)
    for week in weeks:
        sizes = Counter(len(group) for group in week)
        assert sizes == {2: (n - 3) // 2, 3: 1}


@pytest.mark.parametrize("n", [7, 41])
def test_odd_count_meets_everyone_within_a_cycle_and_pairs_never_repeat(n: int) -> None:
    members = cohort(n)
    weeks = rotation_weeks(members=members, weeks=n, seed=5)

    all_pairs = {frozenset(pair) for pair in combinations([m.id for m in members], 2)}
    assert set(meetings(weeks)) == all_pairs
    # Each round pairs everyone (n odd: one member against the bye); over a cycle the round
    # pairs are all n(n-1)/2 pairs, each once. The bye member joins one round pair as a trio, so
    # the two-person groups are the round pairs minus one per week: they never repeat. (They
    # may repeat a meeting that came from a trio add-on earlier in the cycle.)
    twos = [frozenset(group) for week in weeks for group in week if len(group) == 2]
    assert len(twos) == len(set(twos)) == len(all_pairs) - n
    # Beyond the round pairs, each week's trio adds exactly two meetings.
    assert sum(meetings(weeks).values()) == len(all_pairs) + 2 * n


def test_trio_member_joins_the_pair_it_has_met_least() -> None:
    members = cohort(5)
    (first,) = rotation_weeks(members=members, weeks=1, seed=2)
    trio = next(group for group in first if len(group) == 3)
    pair = next(group for group in first if len(group) == 2)
    # Everyone has met everyone once (every round costs the same, so the first round is used
    # again), but the trio members have met each other far more often: whoever is drawn
    # against the bye now joins the other pair instead of the two others from the old trio.
    met_before = {frozenset(p): 1 for p in combinations([m.id for m in members], 2)}
    met_before |= {frozenset(p): 5 for p in combinations(trio, 2)}

    (week,) = rotation_weeks(members=members, weeks=1, seed=2, met_before=met_before)

    new_trio = next(group for group in week if len(group) == 3)
    new_pair = next(group for group in week if len(group) == 2)
    assert set(pair) < set(new_trio)
    assert set(new_pair) < set(trio)


# --- determinism ---------------------------------------------------------------------------------


def test_same_seed_gives_identical_output() -> None:
    members = cohort(10, teams=3)
    kwargs = {"weeks": 6, "seed": 42, "avoid_same_team": True}

    assert rotation_weeks(members=members, **kwargs) == rotation_weeks(members=members, **kwargs)
    assert rotation_weeks(members=cohort(10), weeks=6, seed=42) == rotation_weeks(
        members=cohort(10), weeks=6, seed=42
    )


def test_different_seed_gives_different_first_week() -> None:
    members = cohort(10)

    first = rotation_weeks(members=members, weeks=1, seed=1)
    second = rotation_weeks(members=members, weeks=1, seed=2)

    assert first != second


@pytest.mark.parametrize("n", [9, 10])
def test_input_order_does_not_matter(n: int) -> None:
    members = cohort(n, teams=2)
    shuffled = members[:]
    random.Random(7).shuffle(shuffled)
    met_before = {frozenset({100, 101}): 1, frozenset({102, 103}): 2}

    for options in ({}, {"avoid_same_team": True, "met_before": met_before}):
        assert rotation_weeks(members=members, weeks=5, seed=4, **options) == rotation_weeks(
            members=list(reversed(members)), weeks=5, seed=4, **options
        )
        assert rotation_weeks(members=members, weeks=5, seed=4, **options) == rotation_weeks(
            members=shuffled, weeks=5, seed=4, **options
        )


# --- edge cases ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1])
def test_nobody_to_pair_gives_empty_weeks(n: int) -> None:
    assert rotation_weeks(members=cohort(n), weeks=3, seed=1) == [[], [], []]
    assert rotation_weeks(members=cohort(n), weeks=3, seed=1, avoid_same_team=True) == [
        [],
        [],
        [],
    ]


def test_two_members_are_paired_every_week() -> None:
    members = [Member(id=7, team_id=1), Member(id=3, team_id=1)]

    assert rotation_weeks(members=members, weeks=3, seed=1) == [[(3, 7)]] * 3
    assert (
        rotation_weeks(
            members=members,
            weeks=3,
            seed=1,
            avoid_same_team=True,
            met_before={frozenset({3, 7}): 4},
        )
        == [[(3, 7)]] * 3
    )


def test_three_members_form_one_trio_every_week() -> None:
    members = cohort(3)

    assert rotation_weeks(members=members, weeks=4, seed=9) == [[(100, 101, 102)]] * 4


def test_zero_weeks_gives_empty_list() -> None:
    assert rotation_weeks(members=cohort(6), weeks=0, seed=1) == []


def test_negative_weeks_and_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="weeks"):
        rotation_weeks(members=cohort(4), weeks=-1, seed=1)
    with pytest.raises(ValueError, match="unique"):
        rotation_weeks(members=[Member(1, None), Member(1, 2)], weeks=1, seed=1)


# --- avoid_same_team -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_avoid_same_team_takes_the_cheapest_rounds_of_the_cycle(seed: int) -> None:
    # 20 members in two teams of 10. The shuffled circle rounds rarely include a fully
    # cross-team round, so zero same-team pairs cannot be promised; what is promised is the
    # choice among the cycle's rounds: zero-cost rounds first (in rotation order), then the
    # lowest-cost ones, no round twice. For even n the plain full cycle lists every round.
    members = cohort(20, teams=2)
    team_of = {m.id: m.team_id for m in members}
    cycle = rotation_weeks(members=members, weeks=19, seed=seed)
    costs = [same_team_pairs(week, team_of) for week in cycle]
    cheapest = sorted(range(19), key=lambda r: (costs[r], r))[:4]
    zero_cost = [r for r in range(19) if costs[r] == 0]
    expected = zero_cost[:4] + [r for r in cheapest if costs[r] > 0][: 4 - len(zero_cost[:4])]

    weeks = rotation_weeks(members=members, weeks=4, seed=seed, avoid_same_team=True)

    assert weeks == [cycle[r] for r in expected]
    assert_everyone_once_per_week(weeks, members)
    chosen = sum(same_team_pairs(week, team_of) for week in weeks)
    assert chosen == sum(sorted(costs)[:4])
    assert chosen <= sum(costs[:4])
    assert len(meetings(weeks)) == 40  # no pair repeats


def test_avoid_same_team_lowers_same_team_pairs() -> None:
    members = cohort(20, teams=2)
    team_of = {m.id: m.team_id for m in members}

    def total(weeks: list[Week]) -> int:
        return sum(same_team_pairs(week, team_of) for week in weeks)

    plain = sum(total(rotation_weeks(members=members, weeks=4, seed=s)) for s in range(10))
    avoided = sum(
        total(rotation_weeks(members=members, weeks=4, seed=s, avoid_same_team=True))
        for s in range(10)
    )
    assert avoided < plain


def test_avoid_same_team_is_a_no_op_when_nobody_shares_a_team() -> None:
    members = [Member(id=i, team_id=None if i % 2 else i) for i in range(12)]

    assert rotation_weeks(members=members, weeks=5, seed=3, avoid_same_team=True) == rotation_weeks(
        members=members, weeks=5, seed=3
    )


# --- met_before ----------------------------------------------------------------------------------


def test_met_before_continues_the_same_rotation_without_repeats() -> None:
    members = cohort(10)
    past = rotation_weeks(members=members, weeks=3, seed=6)

    weeks = rotation_weeks(members=members, weeks=3, seed=6, met_before=met_before_from(past))

    assert not set(meetings(weeks)) & set(meetings(past))
    assert weeks == rotation_weeks(members=members, weeks=6, seed=6)[3:]


@pytest.mark.parametrize("seed", range(5))
def test_met_before_reduces_repeats_after_a_withdrawal(seed: int) -> None:
    members = cohort(10)
    past = met_before_from(rotation_weeks(members=members, weeks=3, seed=seed))
    remaining = [m for m in members if m.id != 104]  # one agent withdrew; 9 left, so a trio

    plain = rotation_weeks(members=remaining, weeks=3, seed=seed)
    weeks = rotation_weeks(members=remaining, weeks=3, seed=seed, met_before=past)

    assert_everyone_once_per_week(weeks, remaining)

    def repeats(ws: list[Week]) -> int:
        return sum(count for pair, count in meetings(ws).items() if pair in past)

    assert repeats(weeks) < repeats(plain)


def test_met_before_ignores_unknown_ids_and_non_pairs() -> None:
    members = cohort(6)
    noise = {frozenset({1, 2}): 3, frozenset({100}): 1, frozenset({100, 101, 102}): 2}

    assert rotation_weeks(members=members, weeks=5, seed=1, met_before=noise) == rotation_weeks(
        members=members, weeks=5, seed=1
    )


# --- scale ---------------------------------------------------------------------------------------


def test_two_thousand_members_for_thirteen_weeks() -> None:
    members = cohort(2000, first_id=1)
    weeks = rotation_weeks(members=members, weeks=13, seed=2024)

    assert len(weeks) == 13
    assert all(len(week) == 1000 for week in weeks)
    assert_everyone_once_per_week(weeks, members)
    assert len(meetings(weeks)) == 13 * 1000  # no pair repeats across the 13 weeks


def test_two_thousand_members_with_teams_avoids_repeats() -> None:
    members = cohort(2000, teams=25, first_id=1)
    weeks = rotation_weeks(members=members, weeks=13, seed=7, avoid_same_team=True)

    assert all(len(week) == 1000 for week in weeks)
    assert len(meetings(weeks)) == 13 * 1000
