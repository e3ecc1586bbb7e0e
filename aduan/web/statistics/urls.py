from django.urls import path

from aduan.web.statistics import views

# Owned by the statistics work: the public figures, rankings and their methodology.
urlpatterns = [
    path("statistik/metodologi", views.methodology, name="stats_methodology"),
]
