from django.urls import path

from community.views import directory

app_name = "community"

urlpatterns = [
    # dir
    path("organisations/", directory.directory, name="directory"),
    path("organisations/<int:pk>/about/", directory.organisation_about, name="organisation_about"),
    path("organisations/<int:pk>/profile/", directory.profile_edit, name="profile_edit"),
]
