from rest_framework.routers import SimpleRouter

from community.api import directory, events

urlpatterns = []

# dir: the directory
urlpatterns += directory.urlpatterns

# ev: events
events_router = SimpleRouter()
events_router.register("events", events.EventViewSet, basename="event")
urlpatterns += events_router.urls
