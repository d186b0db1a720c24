"""Mounted at /api/v1/seasons/ (before booking's /api/v1/, which would not know them)."""

from django.urls import path

from seasons.api import allocation, applications, views

urlpatterns = [
    path("", views.SeasonListView.as_view(), name="api-seasons"),
    path("<int:pk>/", views.SeasonDetailView.as_view(), name="api-season"),
    path("<int:pk>/open/", views.SeasonOpenView.as_view(), name="api-season-open"),
    path("<int:pk>/close/", views.SeasonCloseView.as_view(), name="api-season-close"),
    path("<int:pk>/publish/", views.SeasonPublishView.as_view(), name="api-season-publish"),
    path(
        "<int:pk>/applications/",
        applications.ApplicationListView.as_view(),
        name="api-season-applications",
    ),
    path(
        "<int:pk>/applications/<int:application>/",
        applications.ApplicationDetailView.as_view(),
        name="api-season-application",
    ),
    path(
        "<int:pk>/applications/<int:application>/members-check/",
        applications.MembersCheckView.as_view(),
        name="api-season-application-members-check",
    ),
    path("<int:pk>/proposal/", allocation.ProposalView.as_view(), name="api-season-proposal"),
    path(
        "<int:pk>/allocation/",
        allocation.AllocationListView.as_view(),
        name="api-season-allocation",
    ),
    path(
        "<int:pk>/allocation/<int:wish>/",
        allocation.AllocationDecisionView.as_view(),
        name="api-season-allocation-decision",
    ),
]
