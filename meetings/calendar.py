"""iCalendar files and feeds, built with the `icalendar` library.

Every occurrence is one VEVENT with its own stable UID; SEQUENCE only grows, and a cancelled
occurrence is sent as STATUS:CANCELLED (with METHOD:CANCEL in a cancellation e-mail).
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import parseaddr
from functools import cache

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from .models import Occurrence, district_zone

PRODID = "-//Belong//Meetings//EN"


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or "Belong")
    return organizer


@cache
def _vtimezone(tzid: str) -> Timezone:
    """The zone's VTIMEZONE, built once per process.

    icalendar walks every transition from 1970 to 2038 to build it (several milliseconds, the larger part
    of a meeting e-mail's calendar file), and the result depends on the zone alone. Calendars share the
    instance: nothing here changes a component once it is added.
    """
    return Timezone.from_tzid(tzid)


def event_for(occurrence: Occurrence, *, public: bool = False, cancelled: bool | None = None) -> Event:
    """One VEVENT. `public` leaves out everything but the title, times and place."""
    zone = district_zone()
    meeting = occurrence.meeting
    is_cancelled = occurrence.is_cancelled if cancelled is None else cancelled
    event = Event()
    event.add("uid", occurrence.calendar_uid)
    event.add("dtstamp", timezone.now())
    event.add("sequence", occurrence.calendar_sequence)
    event.add("dtstart", timezone.localtime(occurrence.starts_at, zone))
    event.add("dtend", timezone.localtime(occurrence.ends_at, zone))
    event.add("summary", meeting.title)
    if occurrence.place:
        event.add("location", occurrence.place)
    event.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    event.add("url", f"{settings.SITE_URL}{occurrence.get_absolute_url()}")
    if not public:
        description = "\n\n".join(part for part in [meeting.agenda, occurrence.note, occurrence.online_url] if part)
        if description:
            event.add("description", description)
        event.add("organizer", _organizer())
    return event


def calendar_for(
    occurrences: Iterable[Occurrence],
    *,
    method: str | None = "PUBLISH",
    name: str | None = None,
    public: bool = False,
    cancelled: bool | None = None,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add_component(_vtimezone(settings.TIME_ZONE))
    for occurrence in occurrences:
        calendar.add_component(event_for(occurrence, public=public, cancelled=cancelled))
    return calendar.to_ical()


def invitation(occurrences: Iterable[Occurrence]) -> bytes:
    return calendar_for(occurrences, method="REQUEST")


def cancellation(occurrences: Iterable[Occurrence]) -> bytes:
    return calendar_for(occurrences, method="CANCEL", cancelled=True)


def download(occurrence: Occurrence) -> bytes:
    """The .ics behind a meeting's download link: PUBLISH, or CANCEL once it is cancelled."""
    if occurrence.is_cancelled:
        return cancellation([occurrence])
    return calendar_for([occurrence], method="PUBLISH")
