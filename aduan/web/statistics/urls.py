from django.urls import path

from aduan.web.statistics import views

# Owned by the statistics work: the public figures, rankings and their methodology.
# A page's period is in its query (?tahun=, ?triwulan=, ?bulan=, ?mulai=&sampai=), and
# any of its tables downloads from the same address (?unduh=<table>&format=csv|xlsx).
urlpatterns = [
    path("statistik", views.national, name="statistics"),
    path("statistik/wilayah/<str:code>", views.region, name="statistics_region"),
    path("statistik/instansi/<slug:code>", views.agency, name="statistics_agency"),
    path("statistik/peringkat", views.rankings, name="statistics_rankings"),
    path("statistik/metodologi", views.methodology, name="stats_methodology"),
]
