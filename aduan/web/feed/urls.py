from django.urls import path

from aduan.web.views import not_yet

# Owned by the feed work: the public feed and search, support (Dukung) and comments.
urlpatterns = [
    path("jelajah", not_yet, name="feed"),
]
