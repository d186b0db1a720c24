from django.urls import path
from rest_framework.routers import DefaultRouter

from booking.api import (
    closures,
    guidelines,
    my_organisation,
    organisations,
    places,
    pricing,
    schedule,
    views,
)

router = DefaultRouter()
router.register("sites", views.SiteViewSet)
router.register("rooms", views.RoomViewSet)
router.register("bookings", views.BookingViewSet, basename="booking")
router.register("organisations", organisations.OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("auth/token/", organisations.TokenView.as_view(), name="api-token"),
    path("me/", organisations.MeView.as_view(), name="api-me"),
    path("quotes/", pricing.QuoteView.as_view(), name="api-quotes"),
    path(
        "sites/<int:pk>/guidelines/",
        guidelines.SiteGuidelinesView.as_view(),
        name="api-site-guidelines",
    ),
    path("rooms/<int:pk>/prices/", pricing.RoomPricesView.as_view(), name="api-room-prices"),
    path("closures/", closures.ClosureView.as_view(), name="api-closures"),
    path("schedule/", schedule.ScheduleView.as_view(), name="api-schedule"),
    path("reports/support/", pricing.SupportReportView.as_view(), name="api-support-report"),
    path(
        "organisations/invitations/accept/",
        my_organisation.InvitationAcceptView.as_view(),
        name="api-invitation-accept",
    ),
    path(
        "organisations/<int:pk>/members/<int:member>/",
        my_organisation.MemberView.as_view(),
        name="api-organisation-member",
    ),
    path(
        "organisations/<int:pk>/leave/",
        my_organisation.LeaveView.as_view(),
        name="api-organisation-leave",
    ),
    path(
        "organisations/<int:pk>/invitations/",
        my_organisation.InvitationsView.as_view(),
        name="api-organisation-invitations",
    ),
    path(
        "organisations/<int:pk>/invitations/<int:invitation>/",
        my_organisation.InvitationView.as_view(),
        name="api-organisation-invitation",
    ),
    path("rooms/<int:pk>/photos/", places.RoomPhotoUploadView.as_view(), name="api-room-photos"),
    *router.urls,
]
