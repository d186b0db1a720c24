from django.urls import path

from community import feeds
from community.views import calendar as calendar_views
from community.views import directory, embeds
from community.views import events as event_views

app_name = "community"

urlpatterns = []

# emb: the embeds for the municipality's web site
urlpatterns += [
    path("embed/calendar/", embeds.calendar_embed, name="embed_calendar"),
    path("embed/directory/", embeds.directory_embed, name="embed_directory"),
]

# ev: events and the activity calendar
urlpatterns += [
    path("calendar/", calendar_views.activity_calendar, name="activity_calendar"),
    path("calendar/public.ics", feeds.public_feed, name="feed_public"),
    path(
        "organisations/<int:pk>/events/",
        event_views.organisation_events,
        name="organisation_events",
    ),
    path("organisations/<int:pk>/events/new/", event_views.event_new, name="event_new"),
    path("events/<int:pk>/", event_views.event_page, name="event"),
    path("events/<int:pk>/edit/", event_views.event_edit, name="event_edit"),
    path("events/<int:pk>/withdraw/", event_views.event_withdraw, name="event_withdraw"),
    path("events/<int:pk>/hide/", event_views.event_hide, name="event_hide"),
    path("events/<int:pk>/show/", event_views.event_unhide, name="event_unhide"),
]

# dir: the directory of organisations
urlpatterns += [
    path("organisations/", directory.directory, name="directory"),
    path("organisations/<int:pk>/about/", directory.organisation_about, name="organisation_about"),
    path("organisations/<int:pk>/profile/", directory.profile_edit, name="profile_edit"),
]
