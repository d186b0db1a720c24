from django.urls import path
from rest_framework.routers import DefaultRouter

from booking.api import closures, views

router = DefaultRouter()
router.register("sites", views.SiteViewSet)
router.register("rooms", views.RoomViewSet)
router.register("bookings", views.BookingViewSet, basename="booking")
router.register("organisations", views.OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("quotes/", views.QuoteView.as_view(), name="api-quotes"),
    path("closures/", closures.ClosureView.as_view(), name="api-closures"),
    path("reports/support/", views.SupportReportView.as_view(), name="api-support-report"),
    *router.urls,
]
