"""Private iCalendar feeds: one URL per person, with a secret token they can regenerate.

Events come from the apps listed in settings.ATTUNE_CALENDAR_SOURCES (sessions and module
due dates from cohorts, role-play appointments from certification). Each event keeps a
stable UID, its SEQUENCE rises whenever it moves, and cancelled events stay in the feed
with STATUS:CANCELLED so calendars remove them. Times are written in the person's zone.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from icalendar import Calendar, Event

from accounts.links import public_url
from accounts.models import User

PRODID = "-//Attune//Empathy training//EN"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date
    sequence: int = 0
    cancelled: bool = False
    description: str = ""
    location: str = ""
    url: str = ""


# The feed URL's secret is an HMAC of a random per-person salt under SECRET_KEY; the
# database keeps the salt and a SHA-256 of the secret, so a copy of the database alone
# opens no one's calendar, while the person can still be shown their link.
SECRET_SALT = "attune.calendar-feed"


def _secret(user: User) -> str:
    return salted_hmac(
        SECRET_SALT, f"{user.pk}:{user.calendar_salt}", algorithm="sha256"
    ).hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_token_regenerate(*, user: User) -> str:
    """A new secret for the user's feed; the old URL stops working at once."""
    user.calendar_salt = secrets.token_urlsafe(24)
    secret = _secret(user)
    user.calendar_token = token_digest(secret)
    user.save(update_fields=["calendar_salt", "calendar_token"])
    return secret


def calendar_token_revoke(*, user: User) -> None:
    user.calendar_token = None
    user.calendar_salt = ""
    user.save(update_fields=["calendar_token", "calendar_salt"])


def feed_url(user: User) -> str | None:
    """The person's private feed URL, or None without a feed (or with a link made before
    the secret was derived, which keeps working but cannot be shown again)."""
    if not user.calendar_token or not user.calendar_salt:
        return None
    return public_url("calendar-feed", _secret(user))


def feed_user(token: str) -> User | None:
    """The active person whose feed `token` opens."""
    return User.objects.filter(calendar_token=token_digest(token), is_active=True).first()


def _vevent(event: CalendarEvent, zone: ZoneInfo, stamp: datetime.datetime) -> Event:
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.summary)
    if isinstance(event.start, datetime.datetime):
        vevent.add("dtstart", event.start.astimezone(zone))
        vevent.add("dtend", event.end.astimezone(zone))
    else:
        vevent.add("dtstart", event.start)
        vevent.add("dtend", event.end)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    if event.url:
        vevent.add("url", event.url)
    return vevent


def calendar_build(events: list[CalendarEvent], *, time_zone: str, name: str) -> bytes:
    zone = ZoneInfo(time_zone or "UTC")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(zone))
    stamp = timezone.now()
    for event in events:
        calendar.add_component(_vevent(event, zone, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def user_events(user: User) -> list[CalendarEvent]:
    return [
        event for path in settings.ATTUNE_CALENDAR_SOURCES for event in import_string(path)(user)
    ]


def user_feed(user: User) -> bytes:
    """The person's whole calendar: sessions, due dates and role-plays."""
    return calendar_build(user_events(user), time_zone=user.time_zone, name="Attune")


def single_event_ics(item) -> str:
    """One schedule item as a calendar file, attached to session reminder e-mails."""
    from cohorts.calendar import item_event

    ics = calendar_build([item_event(item)], time_zone=item.cohort.time_zone, name=item.title)
    return ics.decode()
