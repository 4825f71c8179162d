"""The Atom feed of news and the iCalendar feed of events, per city and per tag."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import condition
from icalendar import Calendar, vGeo
from icalendar import Event as CalendarEvent

from smartcity.core.models import City
from smartcity.news.models import Event, Post, Tag

FEED_SIZE = 50
EVENTS_SINCE_DAYS = 90


def _tag(slug: str | None) -> Tag | None:
    return get_object_or_404(Tag, slug=slug) if slug else None


class NewsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, city, tag=None):
        return get_object_or_404(City, slug=city), _tag(tag)

    def title(self, obj):
        city, tag = obj
        title = _("Aktuelles aus %(city)s") % {"city": city.name}
        return f"{title} – {tag.name}" if tag else title

    def link(self, obj):
        city, _tag_ = obj
        return f"/{city.slug}/aktuelles/"

    def subtitle(self, obj):
        return _("Meldungen der Smart City Dortmund Schwerte")

    def items(self, obj):
        city, tag = obj
        posts = Post.objects.published().filter(city=city).select_related("city")
        if tag:
            posts = posts.filter(tags=tag)
        return posts[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.teaser

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_guid(self, item):
        return f"post-{item.pk}"

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


def _events_changed(request, city, tag=None):
    """Last change of any event of the city, so calendar apps polling get ``304``."""
    return (
        Event.objects.filter(city__slug=city)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )


def _posts_changed(request, city, tag=None):
    return (
        Post.objects.filter(city__slug=city)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )


def news_feed(request, city, tag=None):
    return condition(last_modified_func=_posts_changed)(NewsFeed())(request, city=city, tag=tag)


def _calendar_entry(request, event, host: str) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@{host}")
    entry.add("dtstamp", event.updated_at)
    entry.add("dtstart", event.start)
    entry.add("dtend", event.end)
    entry.add("summary", event.title)
    entry.add("description", strip_tags(event.description))
    entry.add("location", ", ".join(part for part in (event.place, event.address) if part))
    entry.add("url", request.build_absolute_uri(event.get_absolute_url()))
    if event.latitude is not None and event.longitude is not None:
        entry.add("geo", vGeo((event.latitude, event.longitude)))
    entry.add("categories", [event.get_category_display()] + [t.name for t in event.tags.all()])
    return entry


def event_ical(request, city, slug):
    """One event as a calendar file ("In meinen Kalender")."""
    event = get_object_or_404(
        Event.objects.published().select_related("city").prefetch_related("tags"),
        city__slug=city,
        slug=slug,
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Smart City Dortmund Schwerte//Veranstaltungen//DE")
    calendar.add("version", "2.0")
    calendar.add_component(_calendar_entry(request, event, request.get_host().split(":")[0]))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@condition(last_modified_func=_events_changed)
def events_ical(request, city, tag=None):
    city = get_object_or_404(City, slug=city)
    tag = _tag(tag)
    since = timezone.now() - dt.timedelta(days=EVENTS_SINCE_DAYS)
    events = (
        Event.objects.published()
        .filter(city=city, end__gte=since)
        .prefetch_related("tags")
        .select_related("city")
    )
    if tag:
        events = events.filter(tags=tag)
    calendar = Calendar()
    calendar.add("prodid", "-//Smart City Dortmund Schwerte//Veranstaltungen//DE")
    calendar.add("version", "2.0")
    name = _("Veranstaltungen in %(city)s") % {"city": city.name}
    calendar.add("x-wr-calname", f"{name} – {tag.name}" if tag else name)
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    host = request.get_host().split(":")[0]
    for event in events:
        calendar.add_component(_calendar_entry(request, event, host))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="veranstaltungen-{city.slug}.ics"'
    return response
