"""This week's standup drill: which card of a cohort's deck comes up in a given week.

Weeks are Monday-to-Sunday in the cohort's time zone, counted from the week of its start
date. The deck's cards (in their order) are shuffled once per cycle with a seed made of the
deck and the cycle number, so the rotation is deterministic: the same week always shows the
same card, on every server, without storing anything. Where a new cycle would start with
the card the last one ended with, its first two cards swap, so no card comes up twice in a
row (given two cards or more).
"""

import datetime
import random
from zoneinfo import ZoneInfo

DRILL_MINUTES = 5


def cohort_week(*, cohort, now: datetime.datetime) -> int:
    """The week of the cohort `now` falls in: 0 for the week of its start date (negative
    before it)."""
    today = now.astimezone(ZoneInfo(cohort.time_zone)).date()
    start_monday = cohort.start_date - datetime.timedelta(days=cohort.start_date.weekday())
    this_monday = today - datetime.timedelta(days=today.weekday())
    return (this_monday - start_monday).days // 7


def cycle_order(*, deck_id: int, card_ids: list[int], cycle: int) -> list[int]:
    """The cards of one cycle through the deck, in the order they come up."""
    order = list(card_ids)
    random.Random(f"deck:{deck_id}:cycle:{cycle}").shuffle(order)
    if len(order) > 1 and cycle > 0:
        # The previous cycle as it came up (itself possibly swapped): a few cycles a year.
        previous = cycle_order(deck_id=deck_id, card_ids=card_ids, cycle=cycle - 1)
        if order[0] == previous[-1]:
            order[0], order[1] = order[1], order[0]
    return order


def card_for_week(*, deck_id: int, card_ids: list[int], week: int) -> int | None:
    """The id of the card that comes up in `week` (weeks before the start count as 0)."""
    if not card_ids:
        return None
    week = max(week, 0)
    cycle, position = divmod(week, len(card_ids))
    return cycle_order(deck_id=deck_id, card_ids=card_ids, cycle=cycle)[position]
