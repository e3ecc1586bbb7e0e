from django.urls import path

from aduan.web.opendata import views

# Owned by the open-data work: the downloads of published reports and their dictionary.
# The year is taken as text so that a wrong one gets a 400 that says why, not a 404.
urlpatterns = [
    path("data-terbuka", views.open_data, name="open_data"),
    path("data-terbuka/laporan-<str:year>.csv", views.open_data_csv, name="open_data_csv"),
    path("data-terbuka/laporan-<str:year>.json", views.open_data_json, name="open_data_json"),
    path("data-terbuka/kamus.json", views.open_data_dictionary, name="open_data_dictionary"),
]
