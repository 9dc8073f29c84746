"""Weekly peer-coaching pairs for a cohort, by the circle method (round robin).

Members are sorted by id and shuffled with ``random.Random(seed)``; one position is fixed and
the others rotate one step per round, and each round pairs position ``i`` with position
``m - 1 - i``. With an even count ``n`` there are ``n - 1`` rounds and over them every two members
meet exactly once. With an odd count a "bye" placeholder takes the fixed position; the member drawn
against it joins one of that round's pairs as a trio, the pair whose members have met them the
fewest times so far (ties: fewer same-team partners when teams are avoided, then round order).
When past meetings or team avoidance matter, rounds are chosen by cost instead of plain rotation
order, never using a round twice within a cycle. Pure Python: no Django, no database.
"""

from __future__ import annotations

import heapq
import operator
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Member", "rotation_weeks"]

_MET_COST = 1000


@dataclass(frozen=True)
class Member:
    id: int  # enrollment id
    team_id: int | None


Group = tuple[int, ...]


def rotation_weeks(
    *,
    members: Sequence[Member],
    weeks: int,
    seed: int,
    avoid_same_team: bool = False,
    met_before: Mapping[frozenset[int], int] | None = None,
) -> list[list[tuple[int, ...]]]:
    """Return, for each of `weeks` weeks, that week's groups of member ids.

    Each group is a sorted tuple of ids and each week's list is sorted. Guarantees:

    - every member is in exactly one group each week; groups are pairs, plus exactly one trio
      when the count is odd and at least 3 (with 3 members the trio is the whole cohort);
      0 or 1 members give empty weeks, 2 members the same pair every week;
    - the result depends only on the member set, `weeks`, `seed` and the options, never on the
      input order of `members`;
    - within one cycle (``n - 1`` weeks for even ``n``, ``n`` weeks for odd ``n``) no round of the
      rotation is used twice, so no two members are paired again before every other partner has
      been used (for odd ``n`` this holds for the pairs; the member added to make the trio may
      meet someone a second time), and over a full cycle every two members meet;
    - later weeks continue into the next cycle;
    - with `met_before` (pair of ids -> times already met) non-empty or `avoid_same_team`, rounds
      are picked in rotation order among those with no repeated and no same-team pair, and when
      not enough such rounds exist, the rest by lowest cost (1000 per pair that already met,
      1 per same-team pair; ties in rotation order).

    Raises ``ValueError`` for a negative `weeks` or duplicate member ids.
    """
    if weeks < 0:
        raise ValueError("weeks must not be negative")
    ordered = sorted(members, key=operator.attrgetter("id"))
    ids = [member.id for member in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("member ids must be unique")
    n = len(ids)
    if n < 2:
        return [[] for _ in range(weeks)]

    odd = n % 2 == 1
    bye = n  # index of the placeholder; real members are indices 0..n-1 in id order
    m = n + 1 if odd else n  # positions in the circle
    key_base = m  # pair key: low * key_base + high, over indices

    shuffled = list(range(n))
    random.Random(seed).shuffle(shuffled)
    positions = [bye, *shuffled] if odd else shuffled
    fixed, rotating = positions[0], positions[1:]
    cycle = m - 1  # rounds per cycle
    half = m // 2

    # Team codes: equal codes mean same team; members without a team (and the bye) get their own.
    team_codes: list[int] = []
    code_of_team: dict[int, int] = {}
    for member in ordered:
        if member.team_id is None:
            team_codes.append(-1 - len(team_codes))
        else:
            team_codes.append(code_of_team.setdefault(member.team_id, len(code_of_team)))
    team_codes.append(-1 - n)

    def pair_key(a: int, b: int) -> int:
        return a * key_base + b if a < b else b * key_base + a

    met: dict[int, int] = {}
    if met_before:
        index_of = {member_id: i for i, member_id in enumerate(ids)}
        for pair, count in met_before.items():
            if count <= 0 or len(pair) != 2:
                continue
            a, b = (index_of.get(member_id) for member_id in pair)
            if a is not None and b is not None:
                met[pair_key(a, b)] = count

    def round_pairs(r: int) -> list[tuple[int, int]]:
        """Pairs of round `r` of the circle; with odd n the first pair is (bye, member)."""
        shift = r % cycle
        circle = [fixed, *rotating[shift:], *rotating[:shift]]
        return list(zip(circle[:half], reversed(circle[half:]), strict=True))

    def real_pairs(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return pairs[1:] if odd else pairs

    def round_cost(r: int) -> int:
        pairs = real_pairs(round_pairs(r))
        keys = [pair_key(a, b) for a, b in pairs]
        cost = _MET_COST * sum(map(met.__contains__, keys))
        if avoid_same_team:
            cost += sum(team_codes[a] == team_codes[b] for a, b in pairs)
        return cost

    def make_week(r: int) -> list[Group]:
        """Groups of round `r` (trio formed for odd n); records the meetings in `met`."""
        pairs = round_pairs(r)
        groups: list[list[int]] = [list(pair) for pair in real_pairs(pairs)]
        if odd:
            extra = pairs[0][1]

            def trio_rank(index: int) -> tuple[int, int, int]:
                group = groups[index]
                seen = sum(met.get(pair_key(extra, other), 0) for other in group)
                same = (
                    sum(team_codes[extra] == team_codes[other] for other in group)
                    if avoid_same_team
                    else 0
                )
                return seen, same, index

            groups[min(range(len(groups)), key=trio_rank)].append(extra)
        for group in groups:
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    key = pair_key(a, b)
                    met[key] = met.get(key, 0) + 1
        return sorted(tuple(sorted(ids[i] for i in group)) for group in groups)

    if not met and not avoid_same_team:
        return [make_week(week) for week in range(weeks)]
    return [make_week(r) for r in _chosen_rounds(weeks, cycle, round_cost)]


def _chosen_rounds(weeks: int, cycle: int, round_cost: Callable[[int], int]) -> Iterator[int]:
    """Yield round numbers, cycle by cycle: zero-cost rounds at once in rotation order, then the
    cheapest remaining ones. The caller records each yielded round before the next is costed, and
    costs only ever grow, so stale costs in the heap are lower bounds (lazy re-evaluation)."""
    remaining = weeks
    while remaining > 0:
        needed = min(remaining, cycle)
        remaining -= needed
        pending: list[tuple[int, int]] = []
        for r in range(cycle):
            if needed == 0:
                break
            cost = round_cost(r)
            if cost == 0:
                needed -= 1
                yield r
            else:
                pending.append((cost, r))
        heapq.heapify(pending)
        while needed > 0:
            cost, r = heapq.heappop(pending)
            current = round_cost(r)
            if current != cost:
                heapq.heappush(pending, (current, r))
                continue
            needed -= 1
            yield r
