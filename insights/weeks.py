"""Week boundaries of the weekly rollups: a week is its Monday in the current time zone
(settings.TIME_ZONE), as the reports bucket interactions and scores (TruncWeek)."""

import datetime

from django.utils import timezone


def week_start(week: datetime.date) -> datetime.datetime:
    """The moment a week (its Monday) begins: local midnight in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(week, datetime.time.min))


def whole_weeks(start, end) -> tuple[datetime.date | None, datetime.date | None]:
    """The Mondays of the first week wholly on or after `start` and of the first week not
    wholly before `end` (None: unbounded): the weeks in between are read from a rollup, the
    rest of the range from the source rows."""
    first = last = None
    if start:
        day = timezone.localdate(start)
        first = day - datetime.timedelta(days=day.weekday())
        if week_start(first) != start:
            first += datetime.timedelta(days=7)
    if end:
        day = timezone.localdate(end)
        last = day - datetime.timedelta(days=day.weekday())
    return first, last
