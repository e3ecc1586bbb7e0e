from django.urls import path

from aduan.backoffice.dashboard import views

# The staff dashboards: an agency's, a supervisor's and the national admin's figures.
urlpatterns = [
    path("statistik", views.stats_dashboard, name="stats_dashboard"),
]
