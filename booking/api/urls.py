from django.urls import path
from rest_framework.routers import DefaultRouter

from booking.api import closures, organisations, pricing, schedule, views

router = DefaultRouter()
router.register("sites", views.SiteViewSet)
router.register("rooms", views.RoomViewSet)
router.register("bookings", views.BookingViewSet, basename="booking")
router.register("organisations", organisations.OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("auth/token/", organisations.TokenView.as_view(), name="api-token"),
    path("me/", organisations.MeView.as_view(), name="api-me"),
    path("quotes/", pricing.QuoteView.as_view(), name="api-quotes"),
    path("closures/", closures.ClosureView.as_view(), name="api-closures"),
    path("schedule/", schedule.ScheduleView.as_view(), name="api-schedule"),
    path("reports/support/", pricing.SupportReportView.as_view(), name="api-support-report"),
    *router.urls,
]
