from django.urls import path

from aduan.backoffice.views import not_yet

# Case work: queues, a report's case page and the actions on it.
urlpatterns = [
    path("verifikasi", not_yet, name="queue"),
]
