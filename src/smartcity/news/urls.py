from django.urls import path

from smartcity.news import feeds, views

app_name = "news"

urlpatterns = [
    path("feeds/<slug:city>/aktuelles.atom", feeds.news_feed, name="feed"),
    path("feeds/<slug:city>/aktuelles/<slug:tag>.atom", feeds.news_feed, name="tag_feed"),
    path("feeds/<slug:city>/veranstaltungen.ics", feeds.events_ical, name="ical"),
    path("feeds/<slug:city>/veranstaltungen/<slug:tag>.ics", feeds.events_ical, name="tag_ical"),
    path("<slug:city>/aktuelles/", views.post_list, name="posts"),
    path("<slug:city>/aktuelles/<slug:slug>/", views.post_detail, name="post"),
    path("<slug:city>/veranstaltungen/", views.event_list, name="events"),
    path("<slug:city>/veranstaltungen/abmelden/<int:pk>/", views.unregister, name="unregister"),
    path("<slug:city>/veranstaltungen/<slug:slug>/", views.event_detail, name="event"),
    path("<slug:city>/veranstaltungen/<slug:slug>/termin.ics", feeds.event_ical, name="event_ical"),
]
