from django.urls import path

from community.views import embeds

app_name = "community"

urlpatterns = [
    # emb
    path("embed/calendar/", embeds.calendar_embed, name="embed_calendar"),
    path("embed/directory/", embeds.directory_embed, name="embed_directory"),
]
