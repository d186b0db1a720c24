from django.urls import path

from seasons import views

app_name = "seasons"

urlpatterns = [
    path("", views.season_list, name="list"),
    path("new/", views.season_new, name="new"),
    path("<int:pk>/", views.season_detail, name="detail"),
    path("<int:pk>/status/", views.season_status, name="status"),
    path("<int:pk>/proposal/", views.proposal_run, name="proposal"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/apply/", views.application_page, name="apply"),
    path(
        "<int:pk>/applications/<int:application>/check/",
        views.members_check,
        name="members_check",
    ),
    path("<int:pk>/board/", views.board, name="board"),
    path("<int:pk>/board/wishes/<int:wish>/", views.wish_decide, name="wish_decide"),
]
