from rest_framework.routers import SimpleRouter

from community.api import events

urlpatterns = []

# ev: events
events_router = SimpleRouter()
events_router.register("events", events.EventViewSet, basename="event")
urlpatterns += events_router.urls
