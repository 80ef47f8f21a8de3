"""The calendar feed (RFC 5545): every due date Ume has reminded a user of, as all-day events
their Outlook or Google Calendar subscribes to by a secret address."""

import datetime as dt
import hashlib
import secrets

from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar, Event

from .delivery import site_url
from .models import CalendarFeed, Notification
from .selectors import newest_per_due, visible

PAST_DAYS = 90  # due dates further back are left out


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def feed_for(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.select_related("user", "organisation")
        .filter(token_sha256=token_hash(token))
        .first()
    )


def ics(feed: CalendarFeed) -> bytes:
    """The feed's calendar: one event per record, kind and due date (the newest reminder of
    each), checked against what the user may see now."""
    user, organisation = feed.user, feed.organisation
    since = timezone.localdate() - dt.timedelta(days=PAST_DAYS)
    notes = Notification.objects.filter(recipient=user, organisation=organisation, due__gte=since)
    latest = newest_per_due(notes)
    calendar = Calendar()
    calendar.add("prodid", "-//Ume//ISMS reminders//JA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Ume: {organisation.name}")
    stamp = timezone.now()
    with translation.override(user.language or "ja"):
        for shown in visible(user, list(latest.values())):
            if shown.hidden:
                continue
            n = shown.notification
            event = Event()
            event.add("uid", f"{n.kind}-{n.content_type_id}-{n.object_id}-{n.due:%Y%m%d}@ume")
            event.add("dtstamp", stamp)
            event.add("dtstart", n.due)
            event.add("dtend", n.due + dt.timedelta(days=1))
            event.add("summary", f"{shown.kind.label}: {n.title}")
            event.add("description", f"{shown.kind.module}: {shown.kind.label}")
            event.add("url", site_url(reverse("notifications:open", args=[n.pk])))
            calendar.add_component(event)
    return calendar.to_ical()
